using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// What the built-in JWT validation of a subject token found (docs/spec.md, section 5): the built-in counterpart of
/// a plugin's <see cref="TokenExchange.Handlers.TokenValidationResult"/>. Either becomes the exchange's
/// <see cref="TokenExchange.Sessions.ValidatedSubject"/>.
/// </summary>
public sealed record JwtValidationResult
{
    public bool IsValid => Error is null;
    public OAuthError? Error { get; init; }
    public string? Issuer { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The token's claims, each by its first value. Shared by every exchange a cached token answers: never changed.</summary>
    public ClaimSet Claims { get; init; } = ClaimSet.Empty;

    /// <summary>Whether email_verified is the JSON true (OIDC), not merely the string "true".</summary>
    public bool EmailVerified { get; init; }

    public static JwtValidationResult Invalid(OAuthError error) => new() { Error = error };
}
