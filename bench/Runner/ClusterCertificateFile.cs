using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bench.Runner;

/// <summary>
/// The cluster certificate of a benchmarked PostgreSQL cluster, so its silos talk mutual TLS as in production:
/// one self-signed certificate (pinned: each silo presents it and accepts only it) with its key in one PEM file.
/// </summary>
public static class ClusterCertificateFile
{
    public static string Write(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=token-exchange bench cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        var path = Path.Combine(directory, "cluster.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        return path;
    }
}
