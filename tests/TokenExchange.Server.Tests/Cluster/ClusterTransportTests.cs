using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using TokenExchange.Server.Tests.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// The silo port is for the cluster's own silos: mutual TLS with the cluster certificate. A process without a
/// certificate the cluster trusts never becomes an active member and cannot deliver a message; a silo listens
/// on nothing but its two front doors and the silo port (no Orleans client gateway).
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class ClusterTransportTests(ClusterTransportTests.Fixture fixture) : IClassFixture<ClusterTransportTests.Fixture>
{
    /// <summary>Orleans' SiloStatus values as the membership table stores them.</summary>
    private const int Active = 3;
    private const int Dead = 6;

    private readonly ClusterOfSilos cluster = fixture.Cluster;

    public sealed class Fixture : IAsyncLifetime
    {
        public ClusterOfSilos Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await ClusterOfSilos.StartAsync(2);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }

    [Theory]
    [InlineData("a certificate from another CA")]
    [InlineData("no certificate")]
    public async Task A_silo_without_the_clusters_trust_never_becomes_active_and_is_stopped(string credentials)
    {
        string[] transport = credentials == "no certificate"
            ? ["--insecure-cluster-transport", "true"]
            : ClusterCertificateFiles.NewCluster("CN=Intruder CA").Arguments;
        await using var intruder = new SiloProcess("intruder", cluster.ConfigPath, cluster.ConnectionString, transport);

        intruder.Launch();
        var statuses = new HashSet<int>();
        var everReady = false;
        // Sampled until the intruder exits: each look waits up to half a second for its exit.
        var exitCode = await Poll.LastAsync(async () =>
        {
            statuses.UnionWith(await MembershipStatusesAsync(intruder.SiloPort));
            everReady |= await IsReadyAsync(intruder.Http);
            return await intruder.WaitForExitAsync(TimeSpan.FromMilliseconds(500));
        }, code => code is not null, TimeSpan.FromMinutes(2), step: TimeSpan.Zero);

        Assert.True(exitCode is not null and not 0, $"the intruder should have been declared dead and stopped:\n{intruder.Log}");
        Assert.DoesNotContain(Active, statuses);
        Assert.Contains(Dead, await MembershipStatusesAsync(intruder.SiloPort));
        Assert.False(everReady);
        if (credentials == "no certificate") Assert.Contains("INSECURE CLUSTER TRANSPORT (--insecure-cluster-transport true)", intruder.Log);
        // The cluster is unharmed: both silos still exchange, and still agree on one user.
        foreach (var silo in cluster.Silos)
        {
            using var channel = GrpcChannel.ForAddress(silo.Grpc);
            var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(cluster.Request("alice-ext-1"), deadline: DateTime.UtcNow.AddSeconds(20));
            Assert.Equal("u-alice", new JsonWebToken(response.AccessToken).Subject);
        }
    }

    /// <summary>
    /// Straight at the silo port, as an attacker would. With the cluster's certificate the silo proves it holds
    /// one of the cluster's and then speaks Orleans (its connection preamble); with another CA's certificate or
    /// none it hangs up without a byte of Orleans (the client certificate is judged as the handshake ends, so
    /// the refusal shows as the connection closing).
    /// </summary>
    [Fact]
    public async Task The_silo_port_speaks_orleans_only_to_a_certificate_of_the_cluster()
    {
        var port = cluster.Silos[0].SiloPort;
        using var clusterCa = X509Certificate2.CreateFromPem(File.ReadAllText(cluster.Certificate.Ca));
        using var member = X509Certificate2.CreateFromPemFile(cluster.Certificate.Certificate, cluster.Certificate.Key);
        using var otherCa = TestCertificates.CreateCa("CN=Intruder CA");
        using var intruder = TestCertificates.IssueClusterMember(otherCa);

        var accepted = await ConnectAsync(port, member);
        Assert.Equal(clusterCa.Subject, accepted.SiloCertificate?.Issuer);
        Assert.True(accepted.SiloSpoke, "the silo hung up on a member of its cluster");

        Assert.False((await ConnectAsync(port, intruder)).SiloSpoke, "the silo spoke Orleans to another CA's certificate");
        Assert.False((await ConnectAsync(port, null)).SiloSpoke, "the silo spoke Orleans to a caller without a certificate");
    }

    [Fact]
    public void A_silo_listens_on_its_http_and_grpc_front_doors_and_the_silo_port_only()
    {
        var silo = cluster.Silos[0];

        var listening = ListeningSockets.Of(silo.ProcessId);

        Assert.Equal(
            new[] { silo.HttpPort, silo.GrpcPort, silo.SiloPort }.Order(),
            listening.Select(e => e.Port).Order());
    }

    /// <summary>
    /// A TLS connection to the silo port: the certificate the silo presented, and whether it then sent data (an
    /// accepted connection gets the silo's preamble; a refused one is closed).
    /// </summary>
    private static async Task<(X509Certificate2? SiloCertificate, bool SiloSpoke)> ConnectAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? siloCertificate = null;
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "silo",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    siloCertificate = certificate is null ? null : new X509Certificate2(certificate);
                    return true;
                },
            });
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return (siloCertificate, await tls.ReadAsync(new byte[1], limit.Token) > 0);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return (siloCertificate, false);
        }
    }

    private async Task<IReadOnlyList<int>> MembershipStatusesAsync(int siloPort)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = @port", connection);
        query.Parameters.AddWithValue("port", siloPort);
        var statuses = new List<int>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) statuses.Add(reader.GetInt32(0));
        return statuses;
    }

    private static async Task<bool> IsReadyAsync(Uri http)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(1) };
        try
        {
            using var response = await client.GetAsync("/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
