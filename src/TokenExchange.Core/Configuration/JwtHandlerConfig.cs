using System.Text.Json;
using TokenExchange.Exchange;

namespace TokenExchange.Configuration;

/// <summary>The <c>jwt</c> implementation's settings: the IdP's issuer and keys (a JWKS URL or inline keys), or the dev issuer; the audiences.</summary>
internal sealed class JwtHandlerConfig : HandlerImplementationConfig
{
    public static readonly JwtHandlerConfig Instance = new();

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
        return new ImplementationTrust(inlineJwks, null);
    }
}
