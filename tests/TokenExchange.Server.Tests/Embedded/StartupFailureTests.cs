using System.Net;
using System.Net.Sockets;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Cluster;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>Every known reason a server cannot start is one line on stderr and an exit code of its own, on a real process.</summary>
[Collection(RealProcessCollection.Name)]
public sealed class StartupFailureTests
{
    private static readonly string[] InMemory = ["--ephemeral", "true"];

    [Fact]
    public async Task A_taken_http_port_is_one_line_naming_the_address()
    {
        using var taken = Listen();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var server = new ServerProcessRun([.. InMemory, "--http", $"http://127.0.0.1:{port}", "--grpc", "http://127.0.0.1:0", "--silo-port", "0"], ports: false);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.AddressInUse, $"127.0.0.1:{port}: address already in use");
    }

    [Fact]
    public async Task A_taken_silo_port_is_one_line_naming_the_options()
    {
        using var taken = Listen();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var server = new ServerProcessRun([.. InMemory, "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", port.ToString()], ports: false);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.AddressInUse, "--silo-port");
    }

    [Fact]
    public async Task A_missing_configuration_file_is_one_line()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"tx-missing-{Guid.NewGuid():N}.yaml");
        using var server = new ServerProcessRun([.. InMemory, "--config", missing]);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.Configuration, missing);
    }

    [Fact]
    public async Task An_unreadable_certificate_file_is_one_line()
    {
        var certificate = Path.Combine(Path.GetTempPath(), $"tx-not-a-cert-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(certificate, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        try
        {
            using var server = new ServerProcessRun([.. InMemory, "--tls-cert", certificate, "--tls-key", certificate]);

            var exitCode = await server.RunToExitAsync();

            StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.Configuration, "--tls-cert");
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public async Task A_malformed_option_is_one_line_naming_it()
    {
        using var server = new ServerProcessRun([.. InMemory, "--rate-limit-per-address", "lots"]);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.Configuration, "--rate-limit-per-address");
    }

    [Fact]
    public async Task Contradicting_state_options_are_one_line()
    {
        using var server = new ServerProcessRun(["--ephemeral", "true", "--data", Path.GetTempPath()]);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.Configuration, "--data");
    }

    [Fact]
    public async Task An_unreachable_postgres_is_one_line_without_the_password()
    {
        using var server = new ServerProcessRun(["--postgres", "Host=127.0.0.1;Port=1;Username=tx;Password=not-to-be-shown;Timeout=2",
            "--key-encryption-key", Convert.ToBase64String(new byte[32]), .. ClusterCertificateFiles.ForTests.Arguments]);

        var exitCode = await server.RunToExitAsync();

        StartupFailureAssert.OneLine(server, exitCode, StartupExitCodes.StorageUnreachable, "cannot connect to PostgreSQL at 127.0.0.1:1/");
        Assert.DoesNotContain("not-to-be-shown", server.Output + server.Error);
    }

    [Fact]
    public async Task A_wrong_key_encryption_key_with_postgres_is_one_line()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var config = Path.Combine(Path.GetTempPath(), $"tx-kek-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(config, "apps: []\n");
        try
        {
            string[] Arguments(string key) => ["--config", config, "--postgres", database.ConnectionString, "--migrate", "true", "--key-encryption-key", key, .. ClusterCertificateFiles.ForTests.Arguments];
            using (var first = new ServerProcessRun(Arguments(NewKey())))
            {
                await first.StartAsync();
                // A graceful leave: the next silo does not spend its start probing a dead one (which Orleans logs at length).
                await first.StopGracefullyAsync();
            }
            using var second = new ServerProcessRun(Arguments(NewKey()));

            var exitCode = await second.RunToExitAsync();

            StartupFailureAssert.OneLine(second, exitCode, StartupExitCodes.KeyEncryptionKey, "do not decrypt with this key-encryption key");
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
