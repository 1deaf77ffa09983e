using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace TokenExchange.Server.Tests.Kubernetes;

/// <summary>An overlay of k8s/ rendered by <c>kubectl kustomize</c>, as YAML nodes to query.</summary>
public sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<YamlMappingNode> documents) => Documents = documents;

    public IReadOnlyList<YamlMappingNode> Documents { get; }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cluster.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new DirectoryNotFoundException("repository root (Cluster.sln) not found");
        }
    }

    public static async Task<RenderedManifests> RenderAsync(string overlay)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(RepositoryRoot, "k8s", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is required to render the manifests (.ci/run installs it)", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"kubectl kustomize {overlay} failed: {await error}");
            var stream = new YamlStream();
            stream.Load(new StringReader(await output));
            return new RenderedManifests([.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)]);
        }
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Documents.Where(d => Scalar(d, "kind") == kind);

    public YamlMappingNode Single(string kind, string name) => OfKind(kind).Single(d => Scalar(d, "metadata", "name") == name);

    public static string? Scalar(YamlNode node, params string[] path) => Node(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }
        return current;
    }

    public static IEnumerable<YamlMappingNode> Sequence(YamlNode node, params string[] path) =>
        Node(node, path) is YamlSequenceNode sequence ? sequence.Children.OfType<YamlMappingNode>() : [];
}
