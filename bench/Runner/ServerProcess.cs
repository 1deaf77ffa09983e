using System.Diagnostics;

namespace Bench.Runner;

/// <summary>A server the runner started (a silo of the cluster or a peer), ready to serve.</summary>
public sealed class ServerProcess : IDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    private ServerProcess(string name, Process process, string http, string? grpc, string logPath)
    {
        Name = name;
        Process = process;
        Http = http;
        Grpc = grpc;
        LogPath = logPath;
    }

    public string Name { get; }
    public Process Process { get; }
    public int Pid => Process.Id;
    public string Http { get; }
    public string? Grpc { get; }
    public string LogPath { get; }

    public double CpuSeconds => ProcFs.CpuSeconds(Pid);

    /// <summary>
    /// Starts a silo of the cluster: the Release server with the bench configuration on free ports.
    /// <paramref name="extra"/> adds options (PostgreSQL, issuer, idle timeout); <paramref name="configPath"/> replaces
    /// the bench configuration with a case's own variant of it.
    /// </summary>
    public static Task<ServerProcess> StartSiloAsync(Workspace workspace, string name, IEnumerable<string> extra, CancellationToken cancellationToken, string? configPath = null)
    {
        var http = $"http://127.0.0.1:{FreePorts.Pick()}";
        var grpc = $"http://127.0.0.1:{FreePorts.Pick()}";
        string[] arguments =
        [
            workspace.ServerDll, "--config", configPath ?? workspace.ConfigPath, "--http", http, "--grpc", grpc,
            "--silo-port", FreePorts.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. extra,
        ];
        return StartAsync(workspace, name, arguments, http, grpc, "/readyz", cancellationToken, workspace.Options.ServerEnvironment);
    }

    /// <summary>Starts a peer with the benchmark's trust and app on a free port.</summary>
    public static Task<ServerProcess> StartPeerAsync(Workspace workspace, string name, string dll, CancellationToken cancellationToken)
    {
        var port = FreePorts.Pick();
        var config = workspace.Config;
        string[] arguments =
        [
            dll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--jwks", workspace.SubjectJwks,
            "--subject-issuer", config.SubjectIssuer, "--subject-audience", config.SubjectAudience,
            "--client-id", config.ClientId, "--client-secret", config.ClientSecret, "--token-audience", config.TokenAudience,
        ];
        return StartAsync(workspace, name, arguments, $"http://127.0.0.1:{port}", null, "/healthz", cancellationToken);
    }

    private static async Task<ServerProcess> StartAsync(Workspace workspace, string name, string[] arguments, string http, string? grpc, string readyPath, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var logPath = workspace.LogPath($"{name}.log");
        var process = ChildProcesses.Start("dotnet", arguments, logPath, environment);
        var server = new ServerProcess(name, process, http, grpc, logPath);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                server.Dispose();
                throw new CaseFailedException($"{name} exited with {process.ExitCode} while starting; see logs/{Path.GetFileName(logPath)}");
            }
            try
            {
                using var response = await Probe.GetAsync(http + readyPath, cancellationToken);
                if (response.IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timed out: still starting.
            }
            await Task.Delay(250, cancellationToken);
        }
        server.Dispose();
        throw new CaseFailedException($"{name} was not ready within 120 s; see logs/{Path.GetFileName(logPath)}");
    }

    public void Dispose() => ChildProcesses.Stop(Process);
}
