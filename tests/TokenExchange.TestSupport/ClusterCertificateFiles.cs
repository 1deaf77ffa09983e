using System.Security.Cryptography.X509Certificates;

namespace TokenExchange.Testing;

/// <summary>
/// A cluster certificate as PEM files for a silo's <c>--cluster-cert</c>, <c>--cluster-key</c> and
/// <c>--cluster-ca</c>: a cluster (PostgreSQL) does not start without one. Made by the tests, never committed.
/// </summary>
public sealed record ClusterCertificateFiles(string Certificate, string Key, string Ca)
{
    private static readonly Lazy<ClusterCertificateFiles> Shared = new(() => NewCluster());

    /// <summary>One cluster CA and certificate for this test run: enough for tests that are not about the cluster network.</summary>
    public static ClusterCertificateFiles ForTests => Shared.Value;

    /// <summary>The server's command-line options for these files.</summary>
    public string[] Arguments => ["--cluster-cert", Certificate, "--cluster-key", Key, "--cluster-ca", Ca];

    /// <summary>A new cluster: a CA of its own and a certificate it issues.</summary>
    public static ClusterCertificateFiles NewCluster(string caName = "CN=Token Exchange Test Cluster CA")
    {
        using var ca = TestCertificates.CreateCa(caName);
        return IssuedBy(ca);
    }

    /// <summary>Another member certificate of the cluster whose CA is <paramref name="ca"/>.</summary>
    public static ClusterCertificateFiles IssuedBy(X509Certificate2 ca)
    {
        var directory = Directory.CreateTempSubdirectory("tx-cluster-tls-").FullName;
        using var member = TestCertificates.IssueClusterMember(ca);
        var (certificate, key) = TestCertificates.WritePem(member, directory);
        return new ClusterCertificateFiles(certificate, key, TestCertificates.WriteBundle(directory, ca));
    }
}
