using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TokenExchange.Testing;

/// <summary>
/// Certificates made by the tests, never committed: a CA, server certificates for 127.0.0.1 and localhost,
/// client certificates it issues, and self-signed ones. ECDSA P-256 keys: quick to generate.
/// </summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 CreateCa(string name = "CN=Token Exchange Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>A server certificate for 127.0.0.1, ::1 and localhost.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, string name = "CN=localhost")
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        return Issue(ca, name, [ServerAuthentication], san.Build());
    }

    /// <summary>A client certificate issued by <paramref name="ca"/>, with optional DNS subject alternative names.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string subject, params string[] dnsNames)
    {
        X509Extension? san = null;
        if (dnsNames.Length > 0)
        {
            var builder = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames) builder.AddDnsName(dns);
            san = builder.Build();
        }
        return Issue(ca, subject, [ClientAuthentication], san);
    }

    public static X509Certificate2 IssueClient(X509Certificate2 ca, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(ca, subject, [ClientAuthentication], null, notBefore, notAfter);

    /// <summary>A cluster certificate issued by <paramref name="ca"/>: one certificate for both ends of a silo-to-silo connection.</summary>
    public static X509Certificate2 IssueClusterMember(X509Certificate2 ca, string subject = "CN=token-exchange silo") =>
        Issue(ca, subject, [ServerAuthentication, ClientAuthentication], null);

    public static X509Certificate2 CreateSelfSignedClient(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuthentication], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>RFC 8705's <c>x5t#S256</c>: the base64url SHA-256 of the DER certificate.</summary>
    public static string Thumbprint(X509Certificate2 certificate) =>
        Convert.ToBase64String(SHA256.HashData(certificate.RawData)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Writes the certificate (then <paramref name="chain"/>) and its key as PEM files; returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, params X509Certificate2[] chain)
    {
        var certificatePath = Path.Combine(directory, $"{Guid.NewGuid():N}.crt");
        var keyPath = Path.Combine(directory, $"{Guid.NewGuid():N}.key");
        File.WriteAllText(certificatePath, string.Concat(new[] { certificate }.Concat(chain).Select(c => c.ExportCertificatePem() + "\n")));
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>Writes certificates as one PEM bundle (a CA bundle); returns its path.</summary>
    public static string WriteBundle(string directory, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}-bundle.pem");
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, Oid[] usages, X509Extension? san, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, notBefore ?? now.AddMinutes(-5), notAfter ?? now.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
