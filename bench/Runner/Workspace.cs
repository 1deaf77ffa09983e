using Bench.Shared;

namespace Bench.Runner;

/// <summary>
/// One benchmark run's files: the subject-token key (PEM for the load generator, JWKS for servers and
/// peers), the cluster's bench.yaml, the raw JSON of every measurement and every process's log.
/// </summary>
public sealed class Workspace
{
    private Workspace(string directory, RunnerOptions options)
    {
        Directory = directory;
        Options = options;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "raw"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "logs"));
        SubjectKeyPem = Path.Combine(directory, "subject-key.pem");
        SubjectJwks = Path.Combine(directory, "subject-jwks.json");
        SubjectKeyId = SubjectKeyFiles.Generate(SubjectKeyPem, SubjectJwks);
        ConfigPath = Path.Combine(directory, "bench.yaml");
        subjectJwk = System.Text.Json.JsonSerializer.Deserialize<JwksFile>(File.ReadAllText(SubjectJwks), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!.Keys[0];
        File.WriteAllText(ConfigPath, Config.ToClusterYaml(subjectJwk));
    }

    private readonly IReadOnlyDictionary<string, string> subjectJwk;

    /// <summary>A configuration of a case's own (<paramref name="config"/>, a variant of <see cref="Config"/>), written beside bench.yaml; its path.</summary>
    public string WriteConfig(string name, BenchConfig config)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, config.ToClusterYaml(subjectJwk));
        return path;
    }

    public string Directory { get; }
    public RunnerOptions Options { get; }
    public BenchConfig Config { get; } = new();
    public string SubjectKeyPem { get; }
    public string SubjectJwks { get; }
    public string SubjectKeyId { get; }
    public string ConfigPath { get; }

    public string ServerDll => Options.Server is { } server
        ? File.Exists(server) ? server : throw new CaseFailedException($"--server {server} does not exist")
        : Binary("src/TokenExchange.Server", "TokenExchange.Server.dll");
    public string TxctlDll => Binary("src/TokenExchange.Cli", "txctl.dll");
    public string MinimalPeerDll => Binary("bench/peers/MinimalPeer", "MinimalPeer.dll");
    public string OpenIddictPeerDll => Binary("bench/peers/OpenIddictPeer", "OpenIddictPeer.dll");
    public string CryptoFloorDll => Binary("bench/CryptoFloor", "CryptoFloor.dll");
    public string CorePipelineDll => Binary("bench/CorePipeline", "CorePipeline.dll");

    public static Workspace Create(RunnerOptions options)
    {
        var directory = Path.Combine(options.Root, "artifacts", "bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        return new Workspace(directory, options);
    }

    public string RawPath(string name) => Path.Combine(Directory, "raw", name);
    public string LogPath(string name) => Path.Combine(Directory, "logs", name);

    private string Binary(string project, string dll)
    {
        var path = Path.Combine(Options.Root, project, "bin", "Release", "net10.0", dll);
        return File.Exists(path) ? path : throw new CaseFailedException($"{project} is not built (Release): run bench/run.sh, which builds it");
    }

    private sealed record JwksFile(List<Dictionary<string, string>> Keys);
}
