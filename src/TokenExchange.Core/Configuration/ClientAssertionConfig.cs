using System.Text.Json;
using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>
/// An app's <c>jwks:</c>, <c>jwksUri:</c> and <c>federatedCredentials:</c>, the settings of <c>private_key_jwt</c>
/// (docs/spec.md section 10): public keys only, https URLs (http only on loopback, for tests and local IdPs), issuers and
/// subjects given, SPIFFE IDs well-formed; no secret and no certificate beside them.
/// </summary>
internal static class ClientAssertionConfig
{
    /// <summary>JWK members that hold private key material (RFC 7518 sections 6.2.2, 6.3.2, 6.4).</summary>
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    public static ClientAssertionPolicy? ToPolicy(string authMethod, AppModel m, bool hasSecrets, string at, List<string> problems)
    {
        var federated = m.FederatedCredentials ?? [];
        if (!ClientAuthMethods.IsClientAssertion(authMethod))
        {
            if (m.Jwks is not null || m.JwksUri is not null || federated.Count > 0)
                problems.Add($"{at}: jwks, jwksUri and federatedCredentials are settings of private_key_jwt, not of {authMethod}");
            return null;
        }
        if (hasSecrets) problems.Add($"{at}: an app that authenticates with a client assertion (private_key_jwt) has no clientSecret or clientSecretHashes");
        if (m.TlsClientAuth is not null) problems.Add($"{at}.tlsClientAuth is a setting of tls_client_auth and self_signed_tls_client_auth, not of private_key_jwt");
        if (!m.TokenExchange.RequireSecret) problems.Add($"{at}.tokenExchange.requireSecret cannot be false for private_key_jwt: every request presents the app's assertion");
        if (m.Jwks is not null && m.JwksUri is not null) problems.Add($"{at}: give jwks or jwksUri, not both");
        if (m.Jwks is null && m.JwksUri is null && federated.Count == 0) problems.Add($"{at}: private_key_jwt needs jwks, jwksUri or federatedCredentials");
        if (m.JwksUri is not null && !IsKeyUrl(m.JwksUri)) problems.Add($"{at}.jwksUri must be an https URL (http only on loopback)");
        return new ClientAssertionPolicy
        {
            Jwks = m.Jwks is { } jwks ? Jwks(jwks, $"{at}.jwks", problems) : null,
            JwksUri = m.JwksUri,
            FederatedCredentials = [.. federated.Select((c, i) => Federated(c, $"{at}.federatedCredentials[{i}]", problems))],
        };
    }

    private static string Jwks(AppJwksModel m, string at, List<string> problems)
    {
        if (m.Keys.Any(key => PrivateMembers.Any(key.ContainsKey))) problems.Add($"{at}: public keys only (a key has private members)");
        var json = JsonSerializer.Serialize(new { keys = m.Keys });
        try
        {
            if (Core.Handlers.JwksParser.SigningKeys(json).Count == 0) problems.Add($"{at} needs at least one EC or RSA signing key");
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            problems.Add($"{at} is not a JWKS document");
        }
        return json;
    }

    private static FederatedCredential Federated(FederatedCredentialModel m, string at, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(m.Issuer)) problems.Add($"{at}.issuer is required");
        // Without a JWKS URI the keys come from the issuer's discovery document, which needs an https issuer.
        else if (m.JwksUri is null && !IsKeyUrl(m.Issuer)) problems.Add($"{at}.issuer must be an https URL to discover its keys (or give jwksUri)");
        if (m.JwksUri is not null && !IsKeyUrl(m.JwksUri)) problems.Add($"{at}.jwksUri must be an https URL (http only on loopback)");
        if (string.IsNullOrWhiteSpace(m.Subject)) problems.Add($"{at}.subject is required");
        else if (m.Subject.StartsWith("spiffe:", StringComparison.OrdinalIgnoreCase) && !IsSpiffeId(m.Subject))
            problems.Add($"{at}.subject '{m.Subject}' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)");
        if (m.Audience is { } audience && (audience.Length == 0 || audience.Any(char.IsControl))) problems.Add($"{at}.audience must be a non-empty value without control characters");
        return new FederatedCredential { Issuer = m.Issuer ?? "", Subject = m.Subject ?? "", Audience = m.Audience, JwksUri = m.JwksUri, OneTimeUse = m.OneTimeUse };
    }

    private static bool IsKeyUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    /// <summary>The SPIFFE ID rules (SPIFFE-ID section 2): scheme spiffe, a lower-case trust domain, a path, nothing else.</summary>
    private static bool IsSpiffeId(string value) =>
        value.StartsWith("spiffe://", StringComparison.Ordinal)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Host.Length > 0 && value[9..].StartsWith(uri.Host, StringComparison.Ordinal) && uri.Host == uri.Host.ToLowerInvariant()
        && uri.IsDefaultPort && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
        && !value.EndsWith('/') && !value[9..].Contains("//", StringComparison.Ordinal);
}
