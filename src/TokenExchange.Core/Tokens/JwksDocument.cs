using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>Writes a JWKS document (RFC 7517) of public keys, EC or RSA, never a private member.</summary>
public static class JwksDocument
{
    public static string Write(IEnumerable<JsonWebKey> publicKeys) =>
        JsonSerializer.Serialize(new JwksJson(publicKeys.Select(k => new JwkJson(k.Kty, k.Use, k.Alg, k.Kid, Empty(k.Crv), Empty(k.X), Empty(k.Y), Empty(k.N), Empty(k.E))).ToArray()));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed record JwksJson([property: JsonPropertyName("keys")] JwkJson[] Keys);

    private sealed record JwkJson(
        [property: JsonPropertyName("kty")] string Kty,
        [property: JsonPropertyName("use")] string Use,
        [property: JsonPropertyName("alg")] string Alg,
        [property: JsonPropertyName("kid")] string Kid,
        [property: JsonPropertyName("crv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crv,
        [property: JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? X,
        [property: JsonPropertyName("y"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Y,
        [property: JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? N,
        [property: JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? E);
}
