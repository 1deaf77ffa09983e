using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// JWS compact tokens with exactly the header and claims an attack needs (an absent iss, an extra jku, a
/// 10 KB kid), signed by IdentityModel's own signature providers: the attacker controls the JSON, not the crypto.
/// </summary>
public static class AttackTokens
{
    public static string Sign(IDictionary<string, object?> header, IDictionary<string, object?> payload, SecurityKey key, string algorithm)
    {
        var signingInput = Encode(header) + "." + Encode(payload);
        var provider = CryptoProviderFactory.Default.CreateForSigning(key, algorithm);
        try
        {
            return signingInput + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(signingInput)));
        }
        finally
        {
            CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
        }
    }

    /// <summary>A token from <paramref name="idp"/>'s current EC key with the given claims over a valid default set; null removes a claim.</summary>
    public static string FromIdp(TestIdp idp, IDictionary<string, object?>? claims = null, IDictionary<string, object?>? header = null, DateTimeOffset? now = null) =>
        Sign(Header(idp.EcKey.KeyId, header), Claims(idp, claims, now), idp.EcKey, SecurityAlgorithms.EcdsaSha256);

    public static Dictionary<string, object?> Header(string? kid, IDictionary<string, object?>? changes = null, string alg = "ES256")
    {
        var header = new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null) header["kid"] = kid;
        return Apply(header, changes);
    }

    public static Dictionary<string, object?> Claims(TestIdp idp, IDictionary<string, object?>? changes = null, DateTimeOffset? now = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = idp.Issuer,
            ["sub"] = "alice-ext-1",
            ["aud"] = TestIdp.DefaultAudience,
            ["iat"] = at,
            ["exp"] = at + 600,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        return Apply(claims, changes);
    }

    public static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));

    private static Dictionary<string, object?> Apply(Dictionary<string, object?> values, IDictionary<string, object?>? changes)
    {
        foreach (var (name, value) in changes ?? new Dictionary<string, object?>())
        {
            if (value is null) values.Remove(name);
            else values[name] = value;
        }
        return values;
    }
}
