using System.Text.Json;
using TokenExchange.Definitions;
using TokenExchange.Sessions;
using static TokenExchange.Core.Handlers.RuleBasedUserMapping;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The IdP's JSON answer as a subject or a refusal: RFC 7662 section 2.2's <c>active</c> (a userinfo answer is
/// active by being given), <c>exp</c>, <c>sub</c> and <c>aud</c> checked against the handler; an active subject is
/// kept until its <c>exp</c> and at most <see cref="IntrospectionTrust.MaxCacheFor"/>.
/// </summary>
internal sealed class IntrospectionAnswerReader(HandlerDefinition definition, TimeProvider time, IntrospectionOutcomes outcomes)
{
    private readonly IntrospectionTrust trust = definition.Introspection!;

    /// <summary>The claim names of this handler's answers, shared by those with the same names in the same order: an active answer is cached.</summary>
    private readonly ClaimLayouts layouts = new();

    /// <summary>The answer's outcome; the time it may be kept is in <see cref="IntrospectionCache.Entry.Until"/>.</summary>
    public IntrospectionCache.Entry Read(string key, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return outcomes.InvalidResponse("with no JSON object");
        if (!trust.UseUserinfo)
        {
            if (!root.TryGetProperty("active", out var active) || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return outcomes.InvalidResponse("without an active flag");
            if (active.ValueKind == JsonValueKind.False) return outcomes.Inactive(key, "the identity provider says the token is not active");
        }

        var now = time.GetUtcNow();
        DateTimeOffset? expires = null;
        if (root.TryGetProperty("exp", out var exp) && exp.ValueKind != JsonValueKind.Null)
        {
            if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var seconds) || seconds is < 0 or > 253402300799)
                return outcomes.InvalidResponse("an exp that is not a time");
            expires = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
            if (expires <= now) return outcomes.Refused(key, "subject_token has expired", "the identity provider says active, but exp has passed");
        }

        var claims = Claims(root);
        if (string.IsNullOrEmpty(claims.GetValueOrDefault("sub")))
            return outcomes.Refused(key, "the identity provider returned no subject", "active token without sub");
        if (definition.Trust.Audiences.Length > 0 && !Audiences(root).Any(a => definition.Trust.Audiences.Contains(a, StringComparer.Ordinal)))
            return outcomes.Refused(key, "subject_token audience is not accepted by this handler", "audience mismatch");

        var until = now + trust.MaxCacheFor;
        // Stryker disable once Equality : the earlier of two instants; when they are equal either is it, so <= is the same rule.
        if (expires < until) until = expires.Value;
        // OIDC: email_verified is a JSON boolean; the string "true" is not the IdP saying so.
        var emailVerified = root.TryGetProperty(StandardClaims.EmailVerified, out var verified) && verified.ValueKind == JsonValueKind.True;
        return outcomes.Active(new ValidatedSubject
        {
            Subject = claims["sub"],
            Issuer = NonEmpty(claims.GetValueOrDefault("iss")) ?? trust.Issuer ?? trust.Endpoint,
            Claims = claims,
            Username = NonEmpty(claims.GetValueOrDefault("username")) ?? claims.GetValueOrDefault(StandardClaims.PreferredUsername),
            Email = emailVerified ? claims.GetValueOrDefault(StandardClaims.Email) : null,
            EmailVerified = emailVerified,
            DisplayName = claims.GetValueOrDefault(StandardClaims.Name),
            ExpiresAt = expires,
        }, until);
    }

    /// <summary>The answer's members that are strings, numbers or booleans, as text; the first of a repeated name wins.</summary>
    private ClaimSet Claims(JsonElement root)
    {
        var claims = new ClaimSet.Builder(0);
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (value is not null) claims.Add(property.Name, value);
        }
        return claims.Build(layouts);
    }

    private static IEnumerable<string> Audiences(JsonElement root) =>
        !root.TryGetProperty("aud", out var aud) ? []
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()!]
        : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)
        : [];

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
