using System.Diagnostics;
using TokenExchange.Server.Tests.Cluster;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>The server as a real process (<c>dotnet TokenExchange.Server.dll</c>), for what only a process shows: exit codes, output, listeners.</summary>
public sealed class ServerCommand : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly List<string> errors = [];

    private ServerCommand(Process process) => this.process = process;

    public int ProcessId => process.Id;

    public IReadOnlyList<string> Output
    {
        get { lock (output) return [.. output]; }
    }

    public IReadOnlyList<string> Errors
    {
        get { lock (errors) return [.. errors]; }
    }

    /// <param name="environment">Variables to set (TX_CONTAINER=true as the image does); every other TX_ variable of the test run is removed.</param>
    public static ServerCommand Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloProcess.ServerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TX_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment.TryAdd("TX_WARMUPTIMEOUT", "0"); // no wait for a quiet JIT before readiness (seconds per server)
        var command = new ServerCommand(Process.Start(start)!);
        command.process.OutputDataReceived += (_, e) => Append(command.output, e.Data);
        command.process.ErrorDataReceived += (_, e) => Append(command.errors, e.Data);
        command.process.BeginOutputReadLine();
        command.process.BeginErrorReadLine();
        return command;
    }

    /// <summary>Runs the server until it exits by itself (it must, within a minute); its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(limit.Token);
        process.WaitForExit(); // the rest of the redirected output
        return process.ExitCode;
    }

    /// <summary>Waits until /readyz answers 200 on <paramref name="http"/>.</summary>
    public async Task WaitUntilReadyAsync(Uri http)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{string.Join('\n', Output.Concat(Errors))}");
            try
            {
                using var response = await client.GetAsync("/readyz");
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), "the server to be ready (/readyz)", step: TimeSpan.FromMilliseconds(200), detail: () => string.Join('\n', Output.Concat(Errors)));
    }

    private static void Append(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
