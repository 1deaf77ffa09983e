using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TokenExchange.Exchange;

namespace TokenExchange.Clients;

/// <summary>
/// Reduces a TLS client certificate to a <see cref="ClientCertificate"/>: its RFC 8705 thumbprint, subject
/// and DNS names, and whether it chains to the client CA bundle. The TLS listener accepts any certificate
/// (self-signed ones authenticate by thumbprint), so trust in a CA is decided here, not in the handshake.
/// </summary>
public sealed class ClientCertificates(X509Certificate2Collection trustedCas, TimeProvider time)
{
    /// <summary>Extended key usage for TLS client authentication; a CA-issued client certificate must allow it (or name no usage).</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public bool HasTrustedCas => trustedCas.Count > 0;

    public ClientCertificate Describe(X509Certificate2 certificate) => new()
    {
        Thumbprint = Thumbprint(certificate),
        SubjectDn = certificate.SubjectName.Name,
        DnsNames = [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())],
        IssuedByTrustedCa = ChainsToTrustedCa(certificate),
    };

    /// <summary>RFC 8705 section 3.1: <c>x5t#S256</c> is the base64url SHA-256 of the certificate's DER encoding.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => Base64Url.EncodeToString(SHA256.HashData(certificate.RawData));

    /// <summary>
    /// A distinguished name in the one format both sides are compared in: encoded and decoded again, as a
    /// certificate's subject is (so spacing and quoting as written do not matter).
    /// </summary>
    public static string CanonicalDn(string distinguishedName) => new X500DistinguishedName(new X500DistinguishedName(distinguishedName).RawData).Name;

    private bool ChainsToTrustedCa(X509Certificate2 certificate)
    {
        if (trustedCas.Count == 0) return false;
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(trustedCas);
        // No revocation lists to consult: the bundle is the trust decision (remove a CA to distrust it).
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = time.GetUtcNow().UtcDateTime;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        try
        {
            return chain.Build(certificate);
        }
        // Stryker disable Block,Statement : disposing frees the chain's native certificate copies; no result depends on it.
        finally
        {
            foreach (var element in chain.ChainElements) element.Certificate.Dispose();
        }
        // Stryker restore Block,Statement
    }
}
