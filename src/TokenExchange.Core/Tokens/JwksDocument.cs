using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>Writes a JWKS document (RFC 7517) of public keys.</summary>
public static class JwksDocument
{
    public static string Write(IEnumerable<JsonWebKey> publicKeys) =>
        JsonSerializer.Serialize(new JwksJson(publicKeys.Select(k => new JwkJson(k.Kty, k.Use, k.Alg, k.Kid, k.Crv, k.X, k.Y)).ToArray()));

    private sealed record JwksJson([property: JsonPropertyName("keys")] JwkJson[] Keys);

    private sealed record JwkJson(
        [property: JsonPropertyName("kty")] string Kty,
        [property: JsonPropertyName("use")] string Use,
        [property: JsonPropertyName("alg")] string Alg,
        [property: JsonPropertyName("kid")] string Kid,
        [property: JsonPropertyName("crv")] string Crv,
        [property: JsonPropertyName("x")] string X,
        [property: JsonPropertyName("y")] string Y);
}
