using System.Buffers.Text;
using System.Security.Cryptography;
using TokenExchange.Clients;
using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>An app's <c>tlsClientAuth:</c> section, checked against its <c>tokenEndpointAuthMethod</c> (RFC 8705 section 2).</summary>
public static class MutualTlsConfig
{
    public static TlsClientAuthPolicy? ToPolicy(string authMethod, TlsClientAuthModel? m, string at, List<string> problems)
    {
        if (!ClientAuthMethods.IsMutualTls(authMethod))
        {
            if (m is not null) problems.Add($"{at} is a setting of tls_client_auth and self_signed_tls_client_auth, not of {authMethod}");
            return null;
        }
        if (m is null)
        {
            problems.Add($"{at} is required for {authMethod} ({(authMethod == ClientAuthMethods.TlsClientAuth ? "subjectDn or sanDns" : "certificateThumbprints")})");
            return null;
        }
        if (authMethod == ClientAuthMethods.TlsClientAuth)
        {
            if (m.CertificateThumbprints.Count > 0) problems.Add($"{at}.certificateThumbprints is a setting of self_signed_tls_client_auth");
            // RFC 8705 section 2.1.2: exactly one way of naming the expected subject.
            if ((m.SubjectDn is null) == (m.SanDns is null)) problems.Add($"{at} needs exactly one of subjectDn and sanDns");
            if (m.SanDns is { } dns && Uri.CheckHostName(dns) != UriHostNameType.Dns) problems.Add($"{at}.sanDns '{dns}' is not a DNS name");
            return new TlsClientAuthPolicy { SubjectDn = m.SubjectDn is { } dn ? CanonicalDn(dn, at, problems) : null, SanDns = m.SanDns };
        }
        if (m.SubjectDn is not null || m.SanDns is not null) problems.Add($"{at}: subjectDn and sanDns are settings of tls_client_auth");
        if (m.CertificateThumbprints.Count == 0) problems.Add($"{at}.certificateThumbprints must name at least one certificate");
        foreach (var thumbprint in m.CertificateThumbprints.Where(t => !IsThumbprint(t)))
            problems.Add($"{at}.certificateThumbprints: '{thumbprint}' is not an x5t#S256 (the base64url SHA-256 of the certificate, 43 characters)");
        return new TlsClientAuthPolicy { Thumbprints = [.. m.CertificateThumbprints.Distinct(StringComparer.Ordinal)] };
    }

    private static string? CanonicalDn(string dn, string at, List<string> problems)
    {
        try
        {
            return ClientCertificates.CanonicalDn(dn);
        }
        catch (CryptographicException)
        {
            problems.Add($"{at}.subjectDn '{dn}' is not a distinguished name (e.g. CN=orders-service, O=Example)");
            return null;
        }
    }

    private static bool IsThumbprint(string value) =>
        value.Length == 43 && Base64Url.IsValid(value, out var length) && length == SHA256.HashSizeInBytes;
}
