using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Clients;

/// <summary>
/// RFC 8705 client authentication: an app registered for <c>tls_client_auth</c> or
/// <c>self_signed_tls_client_auth</c> authenticates with the certificate of its TLS connection, never a secret.
/// Every failure is the same invalid_client for the caller; the reason goes to the audit event only.
/// </summary>
public static class MutualTlsAuthentication
{
    public const string Failed = "client authentication failed";

    public static OAuthError? Verify(AppDefinition app, ClientCertificate? certificate, string? presentedSecret)
    {
        // One way to authenticate (RFC 8705 section 2): a secret sent to a certificate app is a client error, not a fallback.
        if (!string.IsNullOrEmpty(presentedSecret))
            return Errors.InvalidClient(Failed, "client_secret presented by an app that authenticates with a certificate");
        if (certificate is null) return Errors.InvalidClient(Failed, "no client certificate");
        var policy = app.TlsClientAuth;
        if (policy is null) return Errors.InvalidClient(Failed, "the app has no registered certificate");
        return app.TokenEndpointAuthMethod switch
        {
            ClientAuthMethods.TlsClientAuth => VerifyCaIssued(policy, certificate),
            ClientAuthMethods.SelfSignedTlsClientAuth => policy.Thumbprints.Contains(certificate.Thumbprint, StringComparer.Ordinal)
                ? null
                : Errors.InvalidClient(Failed, $"client certificate {Short(certificate)} is not registered for the app"),
            _ => Errors.InvalidClient(Failed, "the app does not authenticate with a certificate"),
        };
    }

    private static OAuthError? VerifyCaIssued(TlsClientAuthPolicy policy, ClientCertificate certificate)
    {
        if (!certificate.IssuedByTrustedCa)
            return Errors.InvalidClient(Failed, $"client certificate {Short(certificate)} does not chain to the client CA bundle, is expired or does not allow client authentication");
        // RFC 8705 section 2.1.2: exactly one of the subject DN and a SAN is registered; DN attribute values match regardless of case.
        var matches = policy.SubjectDn is { } dn
            ? string.Equals(dn, certificate.SubjectDn, StringComparison.OrdinalIgnoreCase)
            : policy.SanDns is { } dns && certificate.DnsNames.Contains(dns, StringComparer.OrdinalIgnoreCase);
        return matches ? null : Errors.InvalidClient(Failed, $"client certificate {Short(certificate)} has not the app's registered subject");
    }

    private static string Short(ClientCertificate certificate) => certificate.Thumbprint[..8];
}
