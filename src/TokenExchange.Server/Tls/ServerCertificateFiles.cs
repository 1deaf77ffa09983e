using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tls;

/// <summary>
/// Reads the server certificate from its files: a PEM chain (leaf first) with a PEM key, a PEM file holding
/// both, or a PFX. Every problem is one <see cref="ArgumentException"/> naming the option, never the password.
/// </summary>
public static class ServerCertificateFiles
{
    /// <summary>Server authentication extended key usage; a server certificate that names usages must include it.</summary>
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    public static ServerCertificate Load(TlsSettings settings)
    {
        try
        {
            var (leaf, intermediates) = IsPem(settings.CertificatePath) ? LoadPem(settings) : LoadPfx(settings);
            if (!leaf.HasPrivateKey) throw new ArgumentException($"--tls-cert: '{settings.CertificatePath}' has no private key for its certificate (give --tls-key)");
            if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
                && !usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ServerAuthentication))
                throw new ArgumentException($"--tls-cert: the certificate {leaf.Subject} does not allow server authentication");
            // offline: the chain is what the files hold; nothing is fetched from the network.
            return new ServerCertificate(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The exception's message names no secret; the password is never part of it.
            throw new ArgumentException($"--tls-cert: cannot read the certificate and key ({e.Message})", e);
        }
    }

    /// <summary>A fingerprint of the files' contents: a new certificate is one whose files changed (also through symbolic links, as Kubernetes swaps Secrets).</summary>
    public static string Fingerprint(TlsSettings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(settings.CertificatePath));
        if (settings.KeyPath is { } key) hash.AppendData(File.ReadAllBytes(key));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[4096];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) LoadPem(TlsSettings settings)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(settings.CertificatePath);
        if (chain.Count == 0) throw new ArgumentException($"--tls-cert: '{settings.CertificatePath}' holds no certificate");
        var keyPath = settings.KeyPath ?? settings.CertificatePath;
        using var withKey = settings.CertificatePassword is { } password
            ? X509Certificate2.CreateFromEncryptedPemFile(settings.CertificatePath, password, keyPath)
            : X509Certificate2.CreateFromPemFile(settings.CertificatePath, keyPath);
        // A PKCS#12 round trip gives the key a form every TLS back end accepts (PEM keys are ephemeral).
        var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (leaf, [.. chain.Skip(1)]);
    }

    private static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates) LoadPfx(TlsSettings settings)
    {
        if (settings.KeyPath is not null) throw new ArgumentException($"--tls-key goes with a PEM certificate; '{settings.CertificatePath}' is not PEM");
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(settings.CertificatePath, settings.CertificatePassword);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new ArgumentException($"--tls-cert: '{settings.CertificatePath}' holds no certificate with its private key");
        return (leaf, [.. all.Where(c => !ReferenceEquals(c, leaf))]);
    }
}

/// <summary>A loaded server certificate (for logs) and its TLS context with the intermediates.</summary>
public sealed record ServerCertificate(X509Certificate2 Leaf, SslStreamCertificateContext Context);
