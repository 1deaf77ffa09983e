using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Configuration;

/// <summary>The <c>introspection</c> implementation's settings: the IdP's RFC 7662 introspection (or OIDC userinfo) endpoint, our credentials there, its caching.</summary>
internal sealed class IntrospectionHandlerConfig : HandlerImplementationConfig
{
    public static readonly IntrospectionHandlerConfig Instance = new();

    private const int MaxCacheEntries = 10_000_000;

    private IntrospectionHandlerConfig()
    {
    }

    // Access tokens only: an IdP refresh token would be accepted without being redeemed, outliving what it was issued for.
    public override string? TokenTypeProblem(string normalized, string type, string at) =>
        normalized is TokenTypes.AccessToken ? null : $"{at}.acceptedTokenTypes: the introspection implementation validates access tokens only, not '{type}'";

    public override ImplementationTrust Map(HandlerModel m, string at, List<string> problems, StoredDefinitions stored, string? storedInlineJwks)
    {
        var section = $"{at}.introspection";
        var trust = ToTrust(m.Introspection, section, problems, stored.IntrospectionSecret(m.Name, m.Introspection?.ClientSecret, section, problems));
        if (m.DevIssuer || m.Jwks is not null || m.Issuer is not null)
            problems.Add($"{at}: issuer, jwks and devIssuer are settings of the jwt implementation (an introspection handler's issuer is introspection.issuer)");
        RefuseAuthorizedParties(m, at, problems);
        RefuseValidationCache(m, at, problems);
        return new ImplementationTrust(storedInlineJwks, trust);
    }

    private static IntrospectionTrust? ToTrust(IntrospectionModel? m, string at, List<string> problems, string? clientSecret)
    {
        if (m is null)
        {
            problems.Add($"{at} is required for implementation: introspection (endpoint, clientId, clientSecret; or endpoint and userinfo: true)");
            return null;
        }
        if (!Uri.TryCreate(m.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            problems.Add($"{at}.endpoint must be an absolute http(s) URL");
        if (!m.Userinfo && (string.IsNullOrEmpty(m.ClientId) || string.IsNullOrEmpty(clientSecret)))
            problems.Add($"{at} needs clientId and clientSecret, our client credentials at the identity provider (or userinfo: true)");
        if (m.Userinfo && (m.ClientId is not null || m.ClientSecret is not null))
            problems.Add($"{at}: clientId and clientSecret are not used with userinfo: true (the subject token itself is sent)");
        if (m.Issuer is { } issuer && string.IsNullOrWhiteSpace(issuer)) problems.Add($"{at}.issuer must not be empty");
        var negative = ConfigDurations.Parse(m.NegativeCacheFor, $"{at}.negativeCacheFor", problems);
        if (negative < TimeSpan.Zero || negative > TimeSpan.FromMinutes(5))
            problems.Add($"{at}.negativeCacheFor must be between 0 and 5 minutes (a refused token is remembered briefly)");
        var positive = ConfigDurations.Parse(m.MaxCacheFor, $"{at}.maxCacheFor", problems);
        if (positive < TimeSpan.Zero || positive > TimeSpan.FromHours(1))
            problems.Add($"{at}.maxCacheFor must be between 0 and 1 hour (an active token is remembered at most that long, and never beyond its exp)");
        if (m.MaxCacheEntries is < 0 or > MaxCacheEntries)
            problems.Add($"{at}.maxCacheEntries must be between 0 and {MaxCacheEntries}");
        return new IntrospectionTrust
        {
            Endpoint = m.Endpoint ?? "",
            ClientId = m.Userinfo ? null : m.ClientId,
            ClientSecret = m.Userinfo ? null : clientSecret,
            UseUserinfo = m.Userinfo,
            Issuer = m.Issuer,
            NegativeCacheFor = negative,
            MaxCacheFor = positive,
            MaxCacheEntries = m.MaxCacheEntries,
        };
    }
}
