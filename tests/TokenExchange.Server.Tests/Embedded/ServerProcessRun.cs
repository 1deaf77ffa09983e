using System.Diagnostics;
using System.Text;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>
/// The server as a real process (<c>dotnet TokenExchange.Server.dll ARGS</c>) on loopback ports picked once,
/// so a restart comes back on the same addresses: started until ready, killed with -9, or run until it exits
/// (a start-up failure), with stdout and stderr kept apart.
/// </summary>
public sealed class ServerProcessRun : IDisposable
{
    private readonly string[] arguments;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private Process? process;

    /// <param name="arguments">The server's options; the listen addresses are added unless <paramref name="ports"/> is false.</param>
    public ServerProcessRun(IEnumerable<string> arguments, bool ports = true)
    {
        HttpPort = FreePorts.Pick();
        GrpcPort = FreePorts.Pick();
        this.arguments = ports
            ? [.. arguments, "--http", $"http://127.0.0.1:{HttpPort}", "--grpc", $"http://127.0.0.1:{GrpcPort}",
                "--silo-port", FreePorts.Pick().ToString()]
            : [.. arguments];
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public Uri Grpc => new($"http://127.0.0.1:{GrpcPort}");

    public string Output { get { lock (output) return output.ToString(); } }
    public string Error { get { lock (error) return error.ToString(); } }
    public string Log => $"--- stdout\n{Output}\n--- stderr\n{Error}";

    /// <summary>The server built alongside these tests, in the same configuration.</summary>
    public static string ServerDll => BuiltAssembly("TokenExchange.Server", "TokenExchange.Server.dll");

    /// <summary>The assembly of a project under src/ built alongside these tests, in the same configuration.</summary>
    public static string BuiltAssembly(string project, string assembly)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cluster.sln"))) root = root.Parent;
        var dll = Path.Combine(root!.FullName, "src", project, "bin", configuration, "net10.0", assembly);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build {project} first: {dll}");
    }

    /// <summary>Starts the server and waits until /readyz answers.</summary>
    public async Task StartAsync()
    {
        Launch();
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(async () =>
        {
            if (process!.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync("/readyz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), "the server to be ready (/readyz)", step: TimeSpan.FromMilliseconds(100), detail: () => Log);
    }

    /// <summary>Runs the server expecting it to stop by itself (a start-up failure); its exit code.</summary>
    public async Task<int> RunToExitAsync()
    {
        Launch();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process!.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"the server did not stop by itself within 90 s:\n{Log}");
        }
        process.WaitForExit(); // the last lines of output are read
        return process.ExitCode;
    }

    /// <summary>SIGTERM, and waits until the server has stopped (it closes its database on the way out).</summary>
    public async Task StopGracefullyAsync()
    {
        if (process is not { HasExited: false } running) return;
        using (var term = Process.Start("kill", ["-TERM", running.Id.ToString()])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await running.WaitForExitAsync(timeout.Token);
    }

    /// <summary>kill -9: no shutdown, nothing flushed by the server itself.</summary>
    public void Kill()
    {
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.WaitForExit();
    }

    private void Launch()
    {
        lock (output) output.Clear();
        lock (error) error.Clear();
        process?.Dispose();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerDll);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment.TryAdd("TX_WARMUPTIMEOUT", "0"); // no wait for a quiet JIT before readiness (seconds per server)
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public void Dispose()
    {
        Kill();
        process?.Dispose();
    }
}
