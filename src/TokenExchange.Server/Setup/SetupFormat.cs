using TokenExchange.Definitions;

namespace TokenExchange.Server.Setup;

/// <summary>How definitions read on the Setup pages: short token type names, where a handler's trust comes from, secret hints.</summary>
public static class SetupFormat
{
    private const string TokenTypePrefix = "urn:ietf:params:oauth:token-type:";

    public static string TokenType(string urn) => urn.StartsWith(TokenTypePrefix, StringComparison.Ordinal) ? urn[TokenTypePrefix.Length..] : urn;

    public static string Issuer(HandlerDefinition handler) =>
        handler.Trust.DevIssuer ? "the built-in dev issuer"
        : handler.Trust.Issuer ?? handler.Introspection?.Issuer ?? handler.Introspection?.Endpoint ?? "—";

    public static string KeySource(HandlerDefinition handler) =>
        handler.Trust.DevIssuer ? "the built-in dev issuer's keys"
        : handler.Trust.JwksUri is { } uri ? $"JWKS at {uri}"
        : handler.Trust.InlineJwks is not null ? "inline JWKS (in the definition)"
        : handler.Introspection is { } i ? $"{(i.UseUserinfo ? "userinfo" : "introspection")} at {i.Endpoint}"
        : handler.IsPlugin ? "decided by the implementation"
        : "—";

    /// <summary>Never a secret: how many there are and, where known, each one's last characters.</summary>
    public static string Secrets(AppDefinition app)
    {
        if (app.SecretHashes.Length == 0) return "none";
        var hints = app.SecretHashes.Select((_, i) => i < app.SecretHints.Length && app.SecretHints[i].Length > 0 ? app.SecretHints[i] : "(hash only)");
        return $"{app.SecretHashes.Length}: {string.Join(", ", hints)}";
    }

    public static string Duration(TimeSpan value) => value.ToString("c");

    /// <summary>How the app authenticates, with the certificate it must present where it uses mutual TLS.</summary>
    public static string Authentication(AppDefinition app) => app.TlsClientAuth switch
    {
        { SubjectDn: { } dn } => $"{app.TokenEndpointAuthMethod}, subject {dn}",
        { SanDns: { } san } => $"{app.TokenEndpointAuthMethod}, DNS name {san}",
        { Thumbprints.Length: > 0 } tls => $"{app.TokenEndpointAuthMethod}, certificates {string.Join(", ", tls.Thumbprints)}",
        _ when app.ClientAssertions is { } assertions => $"{app.TokenEndpointAuthMethod}, {(assertions.Jwks is not null ? "inline keys" : assertions.JwksUri is { } uri ? "keys at " + uri : "no keys of its own")}"
            + string.Concat(assertions.FederatedCredentials.Select(c => $", federated {c.Subject} of {c.Issuer}")),
        _ => app.TokenEndpointAuthMethod,
    };

    public static string RateLimits(AppDefinition app) =>
        app.RateLimits is { RequestsPerSecond: 0, InvalidTokensPerMinute: 0 } ? "none"
        : $"{app.RateLimits.RequestsPerSecond}/s (burst {app.RateLimits.EffectiveBurst}), {app.RateLimits.InvalidTokensPerMinute} refused subject tokens/min per address";
}
