using System.Net;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Cluster;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// Start-ups that must not happen, on the real process: a cluster without a cluster certificate, the container
/// image on its development defaults. Each ends with one line and a non-zero exit code, no stack trace.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class StartupRefusalTests
{
    private static readonly string KeyEncryptionKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public async Task A_cluster_node_without_a_cluster_certificate_exits_with_one_line()
    {
        await using var server = ServerCommand.Start(["--postgres", "Host=127.0.0.1;Port=1;Username=tx;Timeout=2", "--key-encryption-key", KeyEncryptionKey,
            "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0"]);

        Assert.Equal(2, await server.ExitCodeAsync());
        var line = Assert.Single(server.Errors);
        Assert.StartsWith("error: --cluster-cert is required with --postgres", line);
        Assert.Contains("--insecure-cluster-transport true", line);
        Assert.Empty(server.Output);
    }

    [Theory]
    [InlineData]
    [InlineData("--postgres", "Host=127.0.0.1;Port=1;Username=tx;Timeout=2", "--key-encryption-key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "--insecure-cluster-transport", "true")]
    public async Task The_container_image_without_a_configuration_says_how_to_start_a_dev_node_in_one_line(params string[] args)
    {
        await using var server = ServerCommand.Start(args, new Dictionary<string, string> { ["TX_CONTAINER"] = "true" });

        Assert.Equal(2, await server.ExitCodeAsync());
        var line = Assert.Single(server.Errors);
        Assert.Equal("error: " + ServerSettings.ContainerNeedsConfiguration, line);
        Assert.Contains("docker run", line);
        Assert.Empty(server.Output);
    }

    [Fact]
    public async Task The_embedded_default_listens_on_loopback_only_and_opens_no_orleans_gateway()
    {
        var (http, grpc, silo) = (FreePorts.Pick(), FreePorts.Pick(), FreePorts.Pick());
        await using var server = ServerCommand.Start(["--http", $"http://127.0.0.1:{http}", "--grpc", $"http://127.0.0.1:{grpc}", "--silo-port", silo.ToString()]);
        await server.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{http}"));

        var listening = ListeningSockets.Of(server.ProcessId);

        Assert.Equal(
            new[] { http, grpc, silo }.Select(p => new IPEndPoint(IPAddress.Loopback, p)).OrderBy(e => e.Port),
            listening.OrderBy(e => e.Port));
    }
}
