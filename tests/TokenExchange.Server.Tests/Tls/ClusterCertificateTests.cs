using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Kubernetes;
using TokenExchange.Server.Tls;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>Which peers a cluster certificate trusts, and which certificate files a silo refuses to start with.</summary>
public sealed class ClusterCertificateTests
{
    private readonly string directory = Directory.CreateTempSubdirectory("tx-cluster-cert-tests-").FullName;

    [Fact]
    public void With_a_ca_a_peer_issued_by_it_is_trusted_and_one_from_another_ca_is_not()
    {
        using var ca = TestCertificates.CreateCa("CN=Cluster CA");
        using var otherCa = TestCertificates.CreateCa("CN=Cluster CA");
        var certificate = Load(ClusterCertificateFiles.IssuedBy(ca));
        using var peer = TestCertificates.IssueClusterMember(ca, "CN=another silo");
        using var stranger = TestCertificates.IssueClusterMember(otherCa, "CN=another silo");

        Assert.True(certificate.HasAuthorities);
        Assert.True(certificate.Trusts(peer));
        Assert.False(certificate.Trusts(stranger));
        Assert.False(certificate.Trusts(otherCa));
    }

    [Fact]
    public void Without_a_ca_only_the_very_same_certificate_is_trusted()
    {
        using var ca = TestCertificates.CreateCa();
        var files = ClusterCertificateFiles.IssuedBy(ca);
        var pinned = ClusterCertificate.Load(new ClusterTlsSettings { CertificatePath = files.Certificate, KeyPath = files.Key }, TimeProvider.System);
        using var sibling = TestCertificates.IssueClusterMember(ca);

        Assert.False(pinned.HasAuthorities);
        Assert.True(pinned.Trusts(X509Certificate2.CreateFromPem(File.ReadAllText(files.Certificate))));
        Assert.False(pinned.Trusts(sibling));
    }

    [Fact]
    public void A_certificate_that_does_not_chain_to_the_given_ca_is_refused_at_start_up()
    {
        var files = ClusterCertificateFiles.NewCluster();
        using var otherCa = TestCertificates.CreateCa("CN=Other CA");

        var e = Assert.Throws<ArgumentException>(() => ClusterCertificate.Load(
            new ClusterTlsSettings { CertificatePath = files.Certificate, KeyPath = files.Key, CaPath = TestCertificates.WriteBundle(directory, otherCa) }, TimeProvider.System));

        Assert.StartsWith("--cluster-cert: the certificate CN=token-exchange silo does not chain to a CA of --cluster-ca", e.Message);
    }

    [Fact]
    public void A_certificate_for_one_direction_only_is_refused_at_start_up()
    {
        using var ca = TestCertificates.CreateCa();
        using var serverOnly = TestCertificates.IssueServer(ca);
        var (certificate, key) = TestCertificates.WritePem(serverOnly, directory);

        var e = Assert.Throws<ArgumentException>(() => ClusterCertificate.Load(new ClusterTlsSettings { CertificatePath = certificate, KeyPath = key }, TimeProvider.System));

        Assert.Contains("must allow both server and client authentication", e.Message);
    }

    [Fact]
    public void A_certificate_without_its_key_is_refused_by_name()
    {
        var files = ClusterCertificateFiles.NewCluster();

        var e = Assert.Throws<ArgumentException>(() => ClusterCertificate.Load(new ClusterTlsSettings { CertificatePath = files.Certificate }, TimeProvider.System));

        Assert.StartsWith("--cluster-cert:", e.Message);
    }

    /// <summary>README's command (scripts/cluster-cert.sh) makes files a silo starts with; a second run makes a cluster the first does not trust.</summary>
    [Fact]
    public async Task The_documented_openssl_command_makes_a_cluster_ca_and_certificate_the_server_accepts()
    {
        var first = await MakeAsync(Path.Combine(directory, "first"));
        var second = await MakeAsync(Path.Combine(directory, "second"));

        Assert.True(first.HasAuthorities);
        Assert.True(first.Trusts(first.Certificate));
        Assert.False(first.Trusts(second.Certificate));
    }

    private static async Task<ClusterCertificate> MakeAsync(string output)
    {
        var script = Path.Combine(RenderedManifests.RepositoryRoot, "scripts", "cluster-cert.sh");
        using var process = Process.Start(new ProcessStartInfo(script, [output]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return ClusterCertificate.Load(new ClusterTlsSettings
        {
            CertificatePath = Path.Combine(output, "tls.crt"),
            KeyPath = Path.Combine(output, "tls.key"),
            CaPath = Path.Combine(output, "ca.crt"),
        }, TimeProvider.System);
    }

    private static ClusterCertificate Load(ClusterCertificateFiles files) =>
        ClusterCertificate.Load(new ClusterTlsSettings { CertificatePath = files.Certificate, KeyPath = files.Key, CaPath = files.Ca }, TimeProvider.System);
}
