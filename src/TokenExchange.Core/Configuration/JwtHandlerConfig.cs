using System.Text.Json;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Configuration;

/// <summary>The <c>jwt</c> implementation's settings: the IdP's issuer and keys (a JWKS URL or inline keys), or the dev issuer; the audiences.</summary>
internal sealed class JwtHandlerConfig : HandlerImplementationConfig
{
    public static readonly JwtHandlerConfig Instance = new();

    private const int MaxValidationCacheEntries = 10_000_000;

    /// <summary>The least capacity of BitFaster's concurrent LRU (its hot, warm and cold queues hold one each).</summary>
    private const int MinValidationCacheEntries = 3;

    private JwtHandlerConfig()
    {
    }

    public override string? TokenTypeProblem(string normalized, string type, string at) =>
        normalized is TokenTypes.AccessToken or TokenTypes.IdToken or TokenTypes.Jwt ? null : $"{at}.acceptedTokenTypes: the jwt implementation cannot validate '{type}'";

    public override ImplementationTrust Map(HandlerModel m, string at, List<string> problems, StoredDefinitions stored, string? storedInlineJwks)
    {
        var inlineJwks = storedInlineJwks;
        if (!m.DevIssuer)
        {
            if (string.IsNullOrWhiteSpace(m.Issuer)) problems.Add($"{at}.issuer is required (or devIssuer: true)");
            if (m.Jwks?.Keys is { Count: > 0 } keys) inlineJwks = JsonSerializer.Serialize(new { keys });
            else if (inlineJwks is null && (!Uri.TryCreate(m.Jwks?.Uri, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
                problems.Add($"{at}.jwks needs an http(s) uri or inline keys");
        }
        if (m.Audiences.Count == 0) problems.Add($"{at}.audiences must name at least one audience the subject token must carry");
        RefuseIntrospectionSection(m, at, problems);
        return new ImplementationTrust(inlineJwks, null, ValidationCache(m.ValidationCache, $"{at}.validationCache", problems));
    }

    /// <summary>The verified-token cache's bounds (README "Verified-token cache"); absent: the defaults.</summary>
    private static ValidationCachePolicy ValidationCache(ValidationCacheModel? m, string at, List<string> problems)
    {
        if (m is null) return ValidationCachePolicy.Default;
        var maxAge = ConfigDurations.Parse(m.MaxAge, $"{at}.maxAge", problems);
        if (maxAge < TimeSpan.FromSeconds(1) || maxAge > TimeSpan.FromHours(1))
            problems.Add($"{at}.maxAge must be between 1 second and 1 hour (a verified token is remembered at most that long, and never past its exp)");
        if (m.MaxEntries != 0 && m.MaxEntries is < MinValidationCacheEntries or > MaxValidationCacheEntries)
            problems.Add($"{at}.maxEntries must be 0 (off) or between {MinValidationCacheEntries} and {MaxValidationCacheEntries}");
        return new ValidationCachePolicy { MaxAge = maxAge, MaxEntries = m.MaxEntries };
    }
}
