using TokenExchange.Clients;
using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Authenticate the client (RFC 6749 section 2.3), for every token operation: exchange, refresh, introspection,
/// revocation, and the rate limits' choice of whom to charge. An unknown client, a missing or wrong secret and a
/// missing or wrong certificate are all one invalid_client with one description, so the endpoint does not tell
/// which; the reason goes to the audit event only. An app registered for mutual TLS (RFC 8705) authenticates with
/// its client certificate, never with a secret.
/// </summary>
public static class ClientAuthentication
{
    public const string Failed = "client authentication failed";

    /// <param name="requireSecret">
    /// A secret is needed whatever the app's policy (introspection and revocation, which also serve apps that never
    /// exchange); otherwise the app's <see cref="AppDefinition.RequireSecret"/> decides.
    /// </param>
    public static (AppDefinition? App, OAuthError? Error) Authenticate(DefinitionSnapshot definitions, string? clientId, string? secret, bool requireSecret, ClientCertificate? certificate = null)
    {
        if (string.IsNullOrEmpty(clientId) || !definitions.Apps.TryGetValue(clientId, out var app))
            return (null, Errors.InvalidClient(Failed, "unknown client_id"));
        if (ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod))
            return MutualTlsAuthentication.Verify(app, certificate, secret) is { } certificateError ? (null, certificateError) : (app, null);
        if (string.IsNullOrEmpty(secret))
            return requireSecret || app.RequireSecret ? (null, Errors.InvalidClient(Failed, "client_secret missing")) : (app, null);
        // A secret that is presented is always checked, even where the app does not require one.
        return ClientSecretHasher.Verify(secret, app.SecretHashes) ? (app, null) : (null, Errors.InvalidClient(Failed, "client_secret does not match"));
    }

    /// <summary>
    /// RFC 8705 section 3: tokens issued to an app that authenticated with its certificate are bound to that
    /// certificate (the <c>cnf</c> claim). Secret apps get unbound tokens even when they present a certificate.
    /// </summary>
    public static string? CertificateBinding(AppDefinition app, ClientCertificate? certificate) =>
        ClientAuthMethods.IsMutualTls(app.TokenEndpointAuthMethod) ? certificate?.Thumbprint : null;
}
