using TokenExchange.Clients;
using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Authenticate the client (RFC 6749 section 2.3), for every token operation: exchange, refresh, introspection,
/// revocation, and the rate limits' choice of whom to charge. An unknown client, a missing or wrong secret and a
/// missing or wrong certificate are all one invalid_client with one description, so the endpoint does not tell
/// which; the reason goes to the audit event only. An app registered for mutual TLS (RFC 8705) authenticates with
/// its client certificate, never with a secret. An app registered for <c>private_key_jwt</c> authenticates with a client
/// assertion, never with a secret: this rule checks how it was presented, and <see cref="ClientAuthenticator"/>
/// verifies it (a signature, keys that may be fetched, a jti recorded cluster-wide: docs/spec.md section 10).
/// </summary>
public static class ClientAuthentication
{
    public const string Failed = "client authentication failed";

    /// <param name="requireSecret">
    /// A secret is needed whatever the app's policy (introspection and revocation, which also serve apps that never
    /// exchange); otherwise the app's <see cref="AppDefinition.RequireSecret"/> decides.
    /// </param>
    /// <param name="assertion">
    /// A client assertion, which this synchronous rule cannot verify: an app that authenticates with one is refused here,
    /// and authenticated by <see cref="ClientAuthenticator"/>.
    /// </param>
    public static (AppDefinition? App, OAuthError? Error) Authenticate(DefinitionSnapshot definitions, string? clientId, string? secret, bool requireSecret, ClientCertificate? certificate = null, ClientAssertion? assertion = null)
    {
        if (string.IsNullOrEmpty(clientId) || !definitions.Apps.TryGetValue(clientId, out var app))
            return (null, Errors.InvalidClient(Failed, "unknown client_id"));
        if (ClientAuthMethods.IsClientAssertion(app.TokenEndpointAuthMethod) || assertion is not null)
            return (null, AssertionPresented(app, secret, assertion) ?? Errors.InvalidClient(Failed, "the client assertion was not verified"));
        if (ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod))
            return MutualTlsAuthentication.Verify(app, certificate, secret) is { } certificateError ? (null, certificateError) : (app, null);
        if (string.IsNullOrEmpty(secret))
            return requireSecret || app.RequireSecret ? (null, Errors.InvalidClient(Failed, "client_secret missing")) : (app, null);
        // A secret that is presented is always checked, even where the app does not require one.
        return ClientSecretHasher.Verify(secret, app.SecretHashes) ? (app, null) : (null, Errors.InvalidClient(Failed, "client_secret does not match"));
    }

    /// <summary>
    /// How a client assertion was presented (RFC 7521 section 4.2, RFC 7523 section 2.2), before it is read: by an app
    /// that authenticates with one, without a secret beside it (one method per request, RFC 6749 section 2.3), of the
    /// jwt-bearer type, and of a bounded length. Null when it may be verified.
    /// </summary>
    public static OAuthError? AssertionPresented(AppDefinition app, string? secret, ClientAssertion? assertion)
    {
        if (!ClientAuthMethods.IsClientAssertion(app.TokenEndpointAuthMethod)) return Errors.InvalidClient(Failed, "client_assertion presented by an app that does not authenticate with one");
        if (assertion is null) return Errors.InvalidClient(Failed, "client_assertion missing");
        if (!string.IsNullOrEmpty(secret)) return Errors.InvalidClient(Failed, "client_secret presented together with a client_assertion");
        if (assertion.Type != ClientAssertion.JwtBearer) return Errors.InvalidClient(Failed, "client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        return assertion.Token.Length > ClientAssertion.MaxLength ? Errors.InvalidClient(Failed, $"client_assertion longer than {ClientAssertion.MaxLength} characters") : null;
    }

    /// <summary>
    /// RFC 8705 section 3: tokens issued to an app that authenticated with its certificate are bound to that
    /// certificate (the <c>cnf</c> claim). Secret apps get unbound tokens even when they present a certificate.
    /// </summary>
    public static string? CertificateBinding(AppDefinition app, ClientCertificate? certificate) =>
        ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod) ? certificate?.Thumbprint : null;
}
