using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenExchange.Testing;

/// <summary>
/// A PostgreSQL server of a test's own (initdb into a temporary folder, on a free loopback port), so the
/// test can stop and start it without disturbing other tests. Runs the server as the postgres user,
/// which needs root, as CI and the development machines have.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string directory;
    private readonly string bin;

    private PrivatePostgres(string directory, string bin, int port)
    {
        this.directory = directory;
        this.bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// Npgsql's own 15 s connect timeout: a silo restarted during a drill on a loaded two-core machine has
    /// waited more than 3 s for PostgreSQL to start a backend, and then exited as unable to reach it. The
    /// outage drills stop the server, so their connections are refused at once and never wait for this.
    /// </summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=tx;Database=postgres;Timeout=15;Command Timeout=5";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() is { } version
            ? Path.Combine(version, "bin")
            : throw new InvalidOperationException("PostgreSQL is required (/usr/lib/postgresql missing): run scripts/postgres-setup.sh");
        var directory = Path.Combine(Path.GetTempPath(), "tx-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await Run("chown", "postgres:postgres", directory);
        var server = new PrivatePostgres(directory, bin, FreePort());
        await server.AsPostgres("initdb", "-D", server.Data, "-U", "tx", "-A", "trust", "--no-sync");
        await server.StartServerAsync();
        return server;
    }

    private string Data => Path.Combine(directory, "data");

    public Task StartServerAsync() =>
        AsPostgres("pg_ctl", "-D", Data, "-w", "-l", Path.Combine(directory, "log"),
            "-o", $"-p {Port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    /// <summary>Stops the server at once (fast shutdown: clients are disconnected).</summary>
    public Task StopServerAsync() => AsPostgres("pg_ctl", "-D", Data, "-w", "-m", "fast", "stop");

    private Task AsPostgres(string tool, params string[] args) => Run("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]);

    private static async Task Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgres("pg_ctl", "-D", Data, "-w", "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        Directory.Delete(directory, recursive: true);
    }
}
