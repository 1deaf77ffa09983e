using System.Text.Json;
using TokenExchange.Tokens;

namespace TokenExchange.Proofs;

/// <summary>
/// Whether an access token's claims bind it to a DPoP key (<c>cnf.jkt</c>, RFC 9449 section 6.1), for the
/// token_type that introspection answers: <c>DPoP</c> for a bound token, <c>Bearer</c> otherwise.
/// </summary>
public static class DpopBinding
{
    public const string BearerTokenType = "Bearer";

    /// <param name="claimsJson">The token's claims, a JSON object (a JWT's payload, an opaque token's record).</param>
    public static string TokenType(string claimsJson)
    {
        using var claims = JsonDocument.Parse(claimsJson);
        return claims.RootElement.TryGetProperty("cnf", out var cnf)
            && cnf.ValueKind == JsonValueKind.Object
            && cnf.TryGetProperty(TokenMinter.DpopThumbprintMember, out _)
            ? TokenMinter.DpopTokenType
            : BearerTokenType;
    }

    /// <summary>Whether the minted token type is that of an access token (bearer or DPoP-bound), not <c>N_A</c>.</summary>
    public static bool IsAccessTokenType(string tokenType) => tokenType is BearerTokenType or TokenMinter.DpopTokenType;
}
