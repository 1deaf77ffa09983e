using System.Text.Json;
using System.Text.Json.Serialization;
using TokenExchange.Definitions;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Definitions as the admin API shows them: the configuration file's shape, in JSON, without secrets
/// (an app says how many secrets it has, never their hashes; a handler's credentials at its IdP and its
/// implementation settings are masked, since any of them may be a key).
/// </summary>
public static class DefinitionViews
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string App(AppDefinition app) => JsonSerializer.Serialize(new
    {
        app.ClientId,
        app.Label,
        app.Kind,
        Secrets = app.SecretHashes.Length,
        TokenExchange = new { Enabled = app.TokenExchangeEnabled, app.RequireSecret },
        app.AllowedScopes,
        app.AllowedAudiences,
        AccessToken = new { app.AccessToken.Format, Lifetime = app.AccessToken.Lifetime.ToString("c"), app.AccessToken.MayOutliveSubjectToken },
        app.TokenEndpointAuthMethod,
        // Certificate subjects and thumbprints are public (they are sent in every handshake).
        TlsClientAuth = app.TlsClientAuth is { } tls ? new { tls.SubjectDn, tls.SanDns, CertificateThumbprints = tls.Thumbprints.Length > 0 ? tls.Thumbprints : null } : null,
        RateLimits = app.RateLimits is { RequestsPerSecond: 0, InvalidTokensPerMinute: 0 } ? null
            : new { app.RateLimits.RequestsPerSecond, Burst = app.RateLimits.EffectiveBurst, app.RateLimits.InvalidTokensPerMinute },
    }, Json);

    /// <summary>What the admin API shows instead of a secret: that there is one.</summary>
    public const string Masked = "*****";

    public static string Handler(HandlerDefinition handler) => JsonSerializer.Serialize(new
    {
        handler.Name,
        handler.Label,
        handler.Description,
        handler.Implementation,
        handler.Enabled,
        handler.AcceptedTokenTypes,
        handler.Trust.Issuer,
        handler.Trust.DevIssuer,
        Jwks = handler.Trust.JwksUri is { } uri ? new { Uri = uri } : null,
        InlineKeys = handler.Trust.InlineJwks is not null,
        // The endpoint and our client id at it; our client secret only masked.
        Introspection = handler.Introspection is { } i ? new { i.Endpoint, i.ClientId, ClientSecret = i.ClientSecret is null ? null : Masked, i.UseUserinfo, i.Issuer } : null,
        handler.Trust.Audiences,
        handler.Trust.Algorithms,
        ClockSkew = handler.Trust.ClockSkew.ToString("c"),
        MaxTokenLifetime = handler.Trust.MaxTokenLifetime.ToString("c"),
        handler.Trust.AuthorizedParties,
        // In the configuration file's shape: verifiedClaims and userAttributes sit beside userMapping.
        UserMapping = new { handler.UserMapping.Claim, handler.UserMapping.Attribute, handler.UserMapping.LinkExisting },
        handler.UserMapping.VerifiedClaims,
        handler.UserMapping.UserAttributes,
        handler.Apps,
        // An implementation's settings are the operator's own (an API key, a password): their names only.
        Settings = handler.Settings.Count > 0 ? handler.Settings.Keys.Order(StringComparer.Ordinal).ToDictionary(k => k, _ => Masked) : null,
    }, Json);

    public static string User(UserRecord user) => JsonSerializer.Serialize(user, Json);
}
