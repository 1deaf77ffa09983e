using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using TokenExchange.Clients;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Tls;

/// <summary>
/// The client certificate of a request's connection, described once per connection (a gRPC connection carries
/// many calls; the chain is built once) and again only after the certificate has expired.
/// </summary>
public sealed class ClientCertificateReader(ClientCertificates certificates, TimeProvider time)
{
    private static readonly object CacheKey = new();

    public ClientCertificate? Read(HttpContext http)
    {
        // The connection's TLS feature itself: ConnectionInfo.ClientCertificate makes one up, and keeps it, for every
        // request over a connection without TLS (an object per plaintext exchange, issue 15).
        if (http.Features.Get<ITlsConnectionFeature>()?.ClientCertificate is not { } certificate) return null;
        var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(CacheKey, out var cached) == true && cached is Described described && time.GetUtcNow() < described.NotAfter)
            return described.Certificate;
        var fresh = new Described(certificates.Describe(certificate), certificate.NotAfter.ToUniversalTime());
        if (items is not null) items[CacheKey] = fresh;
        return fresh.Certificate;
    }

    private sealed record Described(ClientCertificate Certificate, DateTimeOffset NotAfter);

    /// <summary>The PEM bundle of client CAs; an empty collection when none is configured.</summary>
    public static X509Certificate2Collection LoadCaBundle(string? path)
    {
        var bundle = new X509Certificate2Collection();
        if (path is null) return bundle;
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--tls-client-ca: cannot read '{path}' ({e.Message})", e);
        }
        return bundle.Count > 0 ? bundle : throw new ArgumentException($"--tls-client-ca: '{path}' holds no PEM certificate");
    }
}
