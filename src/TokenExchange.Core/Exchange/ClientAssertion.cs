using System.Text;
using System.Text.Json;

namespace TokenExchange.Exchange;

/// <summary>
/// A client assertion as a request presented it (RFC 7521 section 4.2: <c>client_assertion_type</c> and
/// <c>client_assertion</c>), with the audiences it may name (RFC 7523 section 3, point 3): the cluster's issuer, the
/// endpoint's public URL and the URL the request arrived at; the transports fill them in as for a DPoP proof's
/// <c>htu</c> (docs/spec.md section 10).
/// </summary>
public sealed record ClientAssertion(string Type, string Token, IReadOnlyList<string> Audiences)
{
    /// <summary>RFC 7523 section 2.2: the one assertion type accepted.</summary>
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Longest assertion read: a projected service account token is about 1 KB, a JWT with an RSA-4096 signature under 2 KB.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>
    /// The client id a request without <c>client_id</c> names through its assertion: the <c>sub</c> (RFC 7523 section 3,
    /// a <c>private_key_jwt</c> assertion's subject is the client id), read unverified, only to find the app whose keys
    /// then verify it. Null when the token has no readable <c>sub</c>.
    /// </summary>
    public static string? ImpliedClientId(string? token)
    {
        if (token is null || token.Length > MaxLength) return null;
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            using var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("sub", out var sub)
                && sub.ValueKind == JsonValueKind.String && sub.GetString() is { Length: > 0 } id ? id : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Type = {Type}, Token = {Redacted.Mark(Token)}, Audiences = [{string.Join(' ', Audiences)}]");
        return true;
    }
}
