using System.Globalization;
using System.Text.Json;
using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Configuration;

/// <summary>
/// Definitions written back in the configuration file's shape, every field of them: what the admin API shows
/// (with its secrets masked) and what an edit starts from. <see cref="ConfigLoader"/> reads each one back into
/// the same definition, so a definition shown and applied unchanged stays as it was.
/// </summary>
public static class DefinitionDocument
{
    public static AppModel ToModel(AppDefinition app) => new()
    {
        ClientId = app.ClientId,
        Label = app.Label,
        Kind = app.Kind,
        ClientSecretHashes = [.. app.SecretHashes],
        TokenExchange = new TokenExchangeModel { Enabled = app.TokenExchangeEnabled, RequireSecret = app.RequireSecret },
        AllowedScopes = [.. app.AllowedScopes],
        AllowedAudiences = [.. app.AllowedAudiences],
        AccessToken = new AccessTokenModel { Format = app.AccessToken.Format, Lifetime = Duration(app.AccessToken.Lifetime), MayOutliveSubjectToken = app.AccessToken.MayOutliveSubjectToken },
        RefreshTokens = new RefreshTokensModel { Enabled = app.RefreshTokens.Enabled, Lifetime = Duration(app.RefreshTokens.Lifetime), AbsoluteLifetime = Duration(app.RefreshTokens.AbsoluteLifetime) },
        Introspection = app.Introspection.Audiences.Length > 0 ? new IntrospectionPolicyModel { Audiences = [.. app.Introspection.Audiences] } : null,
        TransactionTokens = app.TransactionTokens == new TransactionTokenPolicy() ? null
            : new TransactionTokensModel { Issue = app.TransactionTokens.Issue, Replace = app.TransactionTokens.Replace, Lifetime = Duration(app.TransactionTokens.Lifetime) },
        TokenEndpointAuthMethod = app.TokenEndpointAuthMethod,
        RequireDpop = app.RequireDpop ? true : null,
        RequireDpopNonce = app.RequireDpopNonce ? true : null,
        TlsClientAuth = app.TlsClientAuth is { } tls
            ? new TlsClientAuthModel { SubjectDn = tls.SubjectDn, SanDns = tls.SanDns, CertificateThumbprints = [.. tls.Thumbprints] }
            : null,
        RateLimits = new RateLimitsModel
        {
            RequestsPerSecond = app.RateLimits.RequestsPerSecond,
            Burst = app.RateLimits.Burst,
            InvalidTokensPerMinute = app.RateLimits.InvalidTokensPerMinute,
        },
    };

    public static HandlerModel ToModel(HandlerDefinition handler) => new()
    {
        Name = handler.Name,
        Label = handler.Label,
        Description = handler.Description,
        Implementation = handler.Implementation,
        Enabled = handler.Enabled,
        AcceptedTokenTypes = [.. handler.AcceptedTokenTypes],
        Issuer = handler.Trust.Issuer,
        DevIssuer = handler.Trust.DevIssuer,
        Jwks = handler.Trust.JwksUri is null && handler.Trust.InlineJwks is null && handler.Trust.JwksRefreshCooldown is null ? null : new JwksModel
        {
            Uri = handler.Trust.JwksUri,
            Keys = handler.Trust.InlineJwks is { } inline ? InlineKeys(inline) : null,
            RefreshCooldown = handler.Trust.JwksRefreshCooldown is { } cooldown ? Duration(cooldown) : null,
        },
        Audiences = [.. handler.Trust.Audiences],
        Algorithms = [.. handler.Trust.Algorithms],
        ClockSkew = Duration(handler.Trust.ClockSkew),
        MaxTokenLifetime = Duration(handler.Trust.MaxTokenLifetime),
        AuthorizedParties = [.. handler.Trust.AuthorizedParties],
        UserMapping = new UserMappingModel { Claim = handler.UserMapping.Claim, Attribute = AttributeName(handler.UserMapping.Attribute), LinkExisting = handler.UserMapping.LinkExisting },
        VerifiedClaims = [.. handler.UserMapping.VerifiedClaims],
        UserAttributes = new UserAttributesModel
        {
            Username = handler.UserMapping.UserAttributes.Username,
            Email = handler.UserMapping.UserAttributes.Email,
            FederationId = handler.UserMapping.UserAttributes.FederationId,
            DisplayName = handler.UserMapping.UserAttributes.DisplayName,
        },
        Apps = [.. handler.Enablements.Select(e => new HandlerAppModel { ClientId = e.ClientId, Default = e.Default, AllowUserCreation = e.AllowUserCreation, RunAs = e.RunAs })],
        Settings = new Dictionary<string, string>(handler.Settings, StringComparer.Ordinal),
        Timeout = Duration(handler.Timeout),
        Introspection = handler.Introspection is { } i ? new IntrospectionModel
        {
            Endpoint = i.Endpoint,
            ClientId = i.ClientId,
            ClientSecret = i.ClientSecret,
            Userinfo = i.UseUserinfo,
            Issuer = i.Issuer,
            NegativeCacheFor = Duration(i.NegativeCacheFor),
            MaxCacheFor = Duration(i.MaxCacheFor),
            MaxCacheEntries = i.MaxCacheEntries,
        } : null,
        AllowInsecureHttp = handler.AllowInsecureHttp,
        ValidationCache = handler.IsBuiltIn
            ? new ValidationCacheModel { MaxAge = Duration(handler.Trust.ValidationCache.MaxAge), MaxEntries = handler.Trust.ValidationCache.MaxEntries }
            : null,
    };

    /// <summary>Durations as the file writes them (<c>d.hh:mm:ss.fffffff</c>, only as precise as needed), which read back exactly.</summary>
    public static string Duration(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>The file's name of a user attribute (federationId, username, email).</summary>
    public static string AttributeName(UserField attribute) => JsonNamingPolicy.CamelCase.ConvertName(attribute.ToString());

    /// <summary>The inline JWKS's keys as the file holds them (the loader stores <c>{"keys": [...]}</c> of what it read).</summary>
    private static List<Dictionary<string, object>> InlineKeys(string jwks)
    {
        using var document = JsonDocument.Parse(jwks);
        return [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value)))];
    }

    private static object Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => (object)p.Name, p => Plain(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Select(Plain).ToList(),
        _ => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(),
    };
}
