using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Exchange;

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

    /// <summary>The validated token, to read claims from.</summary>
    public JsonWebToken? Token { get; init; }

    public static JwtValidationResult Invalid(OAuthError error) => new() { Error = error };
}
