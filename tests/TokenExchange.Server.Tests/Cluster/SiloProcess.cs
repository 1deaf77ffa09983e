using System.Diagnostics;
using System.Text;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// One silo as a real server process (<c>dotnet TokenExchange.Server.dll</c>) on loopback ports of its own,
/// which stay the same across restarts. Output is kept for the failure message of a test.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string configPath;
    private readonly string postgres;
    private readonly IReadOnlyList<string> clusterTransport;
    private readonly StringBuilder log = new();
    private Process? process;
    private bool startedOnce;

    /// <param name="clusterTransport">The silo's cluster transport options: its cluster certificate files, or the insecure flag.</param>
    public SiloProcess(string name, string configPath, string postgres, IReadOnlyList<string> clusterTransport)
    {
        Name = name;
        this.configPath = configPath;
        this.postgres = postgres;
        this.clusterTransport = clusterTransport;
        PickPorts();
    }

    public string Name { get; }
    public int HttpPort { get; private set; }
    public int GrpcPort { get; private set; }
    public int SiloPort { get; private set; }
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public Uri Grpc => new($"http://127.0.0.1:{GrpcPort}");
    public bool IsRunning => process is { HasExited: false };
    public int ProcessId => process?.Id ?? throw new InvalidOperationException($"silo {Name} was not started");

    /// <summary>More server options for this silo (a drill's --drain-delay), after the usual ones.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The exit code of the last run, once it has ended.</summary>
    public int? ExitCode => process is { HasExited: true } ended ? ended.ExitCode : null;

    public string Log
    {
        get { lock (log) return log.ToString(); }
    }

    /// <summary>The server built alongside these tests, in the same configuration (Debug or Release).</summary>
    public static string ServerDll => Embedded.ServerProcessRun.ServerDll;

    /// <summary>
    /// Starts the silo and waits until it is ready. A first start that loses a port to another process
    /// (picked free, taken before the silo bound it) retries on new ports; a restart keeps its ports.
    /// </summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync();
                startedOnce = true;
                return;
            }
            catch (InvalidOperationException) when (!startedOnce && attempt < 3 && Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                lock (log) log.Clear();
                PickPorts();
            }
        }
    }

    private void PickPorts()
    {
        (HttpPort, GrpcPort, SiloPort) = (FreePorts.Pick(), FreePorts.Pick(), FreePorts.Pick());
    }

    private string[] Arguments() =>
    [
        ServerDll, "--config", configPath, "--postgres", postgres, "--migrate", "true", "--key-encryption-key", ClusterOfSilos.KeyEncryptionKey,
        "--issuer", ClusterOfSilos.Issuer, "--cluster-id", "test", "--service-id", "test",
        "--http", $"http://127.0.0.1:{HttpPort}", "--grpc", $"http://127.0.0.1:{GrpcPort}",
        "--silo-port", SiloPort.ToString(), .. clusterTransport,
        .. ExtraArguments,
    ];

    private async Task StartOnceAsync()
    {
        Launch();
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts the process without waiting for it to become ready (for silos that must not).</summary>
    public void Launch()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in Arguments()) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment.TryAdd("TX_WARMUPTIMEOUT", "0"); // no wait for a quiet JIT before readiness (seconds per server)
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Waits for the process to end by itself; null when it still runs after <paramref name="limit"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process!.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        process?.Kill(entireProcessTree: true);
        process?.WaitForExit();
    }

    /// <summary>A graceful stop (SIGTERM), as Kubernetes does.</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } running) return;
        using (var kill = Process.Start("kill", ["-TERM", running.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await running.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>SIGTERM without waiting: the silo drains and leaves while the caller watches (<see cref="WaitForExitAsync(TimeSpan)"/>).</summary>
    public void Terminate()
    {
        if (process is not { HasExited: false } running) return;
        using var kill = Process.Start("kill", ["-TERM", running.Id.ToString()]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => process?.WaitForExitAsync(cancellationToken) ?? Task.CompletedTask;

    private async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(async () =>
        {
            if (process!.HasExited) throw new InvalidOperationException($"silo {Name} exited with {process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync("/readyz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, limit, $"silo {Name} to be ready (/readyz)", step: TimeSpan.FromMilliseconds(200), detail: () => Log);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (log) log.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning) Kill();
        process?.Dispose();
        await Task.CompletedTask;
    }
}
