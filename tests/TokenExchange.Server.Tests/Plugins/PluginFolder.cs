namespace TokenExchange.Server.Tests.Plugins;

/// <summary>
/// A plugins folder as an operator lays it out: one subfolder per plugin, holding its build output.
/// The plugins are built with the solution, in the same configuration as these tests.
/// </summary>
public sealed class PluginFolder : IDisposable
{
    public PluginFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tx-plugins-" + Guid.NewGuid().ToString("N")[..8]);
        Copy(System.IO.Path.Combine("samples", "PartnerHandler"), "partner");
        Copy(System.IO.Path.Combine("tests", "TokenExchange.TestPlugins"), "test-plugins");
    }

    public string Path { get; }

    private void Copy(string project, string name)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar)).Parent!.Name;
        var output = System.IO.Path.Combine(Kubernetes.RenderedManifests.RepositoryRoot, project, "bin", configuration, "net10.0");
        if (!Directory.Exists(output)) throw new DirectoryNotFoundException($"build the solution first: {output}");
        var target = Directory.CreateDirectory(System.IO.Path.Combine(Path, name));
        foreach (var file in Directory.EnumerateFiles(output)) File.Copy(file, System.IO.Path.Combine(target.FullName, System.IO.Path.GetFileName(file)));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
