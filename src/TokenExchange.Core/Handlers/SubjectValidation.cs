using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Handlers;

/// <summary>What a handler's validation of a subject token found (docs/spec.md, section 5).</summary>
public sealed record SubjectValidation
{
    public bool IsValid => Error is null;
    public OAuthError? Error { get; init; }
    public string? Issuer { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The validated token, to read claims from.</summary>
    public JsonWebToken? Token { get; init; }

    public static SubjectValidation Invalid(OAuthError error) => new() { Error = error };
}
