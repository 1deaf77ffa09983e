using System.Diagnostics;

namespace Bench.Runner;

/// <summary>
/// Every process the runner starts (servers, silos, peers, load generators), so that all of them are
/// stopped however the runner ends: normally, by an exception, by Ctrl-C or by SIGTERM.
/// </summary>
public static class ChildProcesses
{
    private static readonly List<Process> Running = [];
    private static readonly Lock Gate = new();

    // SIGTERM (bench/run.sh's trap) ends the runner through ProcessExit; Ctrl-C is the runner's own to handle.
    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

    /// <summary>Starts a process with its output sent to <paramref name="logPath"/>.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // The servers read TX_* variables as settings: only what a case passes may reach them, never the caller's shell.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("TX_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(inherited);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var logGate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (logGate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { lock (logGate) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (Gate) Running.Add(process);
        return process;
    }

    /// <summary>Stops one process (SIGTERM, then kill after a grace period) and forgets it.</summary>
    public static void Stop(Process process, TimeSpan? grace = null)
    {
        try
        {
            if (!process.HasExited)
            {
                // SIGTERM first: ASP.NET Core and Orleans shut down cleanly and leave the cluster table tidy.
                Posix.Terminate(process.Id);
                if (!process.WaitForExit(grace ?? TimeSpan.FromSeconds(10))) process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (Gate) Running.Remove(process);
    }

    public static void StopAll()
    {
        Process[] all;
        lock (Gate) all = [.. Running];
        foreach (var process in all) Stop(process, TimeSpan.FromSeconds(3));
    }
}
