using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tls;

/// <summary>
/// The cluster certificate a silo presents to its peers, and the rule a peer's certificate must meet: chain to
/// one of the cluster's CAs (<c>--cluster-ca</c>), or, without a CA, be this very certificate (pinned).
/// Host names are not checked: silos reach each other by IP address (pod IPs), which certificates do not name.
/// </summary>
public sealed class ClusterCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection authorities;
    private readonly TimeProvider clock;

    private ClusterCertificate(X509Certificate2 certificate, X509Certificate2Collection authorities, TimeProvider clock)
    {
        Certificate = certificate;
        this.authorities = authorities;
        this.clock = clock;
    }

    /// <summary>This silo's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether peers are checked against a CA (true) or pinned to this certificate (false).</summary>
    public bool HasAuthorities => authorities.Count > 0;

    /// <summary>What the log says about the cluster certificate: subjects and thumbprint, nothing secret.</summary>
    public string Description => HasAuthorities
        ? $"certificate {Certificate.Subject} (SHA-256 {Certificate.GetCertHashString(HashAlgorithmName.SHA256)}), peers must chain to {string.Join(", ", authorities.Select(a => a.Subject))}"
        : $"certificate {Certificate.Subject} (SHA-256 {Certificate.GetCertHashString(HashAlgorithmName.SHA256)}), peers must present this same certificate";

    /// <summary>Reads and checks the files; every problem is one <see cref="ArgumentException"/> naming the option.</summary>
    public static ClusterCertificate Load(ClusterTlsSettings settings, TimeProvider clock)
    {
        X509Certificate2 certificate;
        var authorities = new X509Certificate2Collection();
        try
        {
            using var withKey = X509Certificate2.CreateFromPemFile(settings.CertificatePath, settings.KeyPath ?? settings.CertificatePath);
            // A PKCS#12 round trip gives the key a form every TLS back end accepts (PEM keys are ephemeral).
            certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            if (settings.CaPath is { } ca)
            {
                authorities.ImportFromPemFile(ca);
                if (authorities.Count == 0) throw new ArgumentException($"--cluster-ca: '{ca}' holds no certificate");
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--cluster-cert: cannot read the cluster certificate and key ({e.Message})", e);
        }
        if (!certificate.HasPrivateKey) throw new ArgumentException($"--cluster-cert: '{settings.CertificatePath}' has no private key for its certificate (give --cluster-key)");
        // The same certificate serves when this silo accepts a connection and when it opens one.
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage)
        {
            var usages = usage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!usages.Contains(ServerAuthentication) || !usages.Contains(ClientAuthentication))
                throw new ArgumentException($"--cluster-cert: the certificate {certificate.Subject} must allow both server and client authentication (extendedKeyUsage serverAuth, clientAuth)");
        }
        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            throw new ArgumentException($"--cluster-cert: the certificate {certificate.Subject} is not valid now (valid {certificate.NotBefore:u} to {certificate.NotAfter:u})");
        var loaded = new ClusterCertificate(certificate, authorities, clock);
        // A silo whose own certificate its peers would refuse cannot join: say so now, by name.
        if (loaded.HasAuthorities && !loaded.Trusts(certificate))
            throw new ArgumentException($"--cluster-cert: the certificate {certificate.Subject} does not chain to a CA of --cluster-ca");
        return loaded;
    }

    /// <summary>Whether a peer's certificate (with the intermediates it presented) belongs to this cluster.</summary>
    public bool Trusts(X509Certificate2 peer, X509Chain? presented = null)
    {
        if (!HasAuthorities) return peer.RawData.AsSpan().SequenceEqual(Certificate.RawData);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // The cluster's own CA, not a public one: there is no revocation endpoint to ask.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(peer);
    }
}
