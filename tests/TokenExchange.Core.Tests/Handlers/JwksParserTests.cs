using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

public sealed class JwksParserTests
{
    private readonly TestIdp idp = new();

    [Fact]
    public void Ec_and_rsa_signing_keys_are_kept()
    {
        var keys = JwksParser.SigningKeys(idp.Jwks());

        Assert.Equal([idp.EcKey.KeyId, idp.RsaKey.KeyId], keys.Select(k => k.KeyId));
    }

    [Fact]
    public void Symmetric_key_is_dropped()
    {
        var keys = JwksParser.SigningKeys(HttpJwksKeySourceTests.WithOctKey(idp.Jwks()));

        Assert.DoesNotContain(keys, k => k.KeyId == "hmac-key");
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public void Encryption_key_is_dropped()
    {
        using var document = JsonDocument.Parse(idp.Jwks());
        var rsa = JsonSerializer.Deserialize<Dictionary<string, string>>(document.RootElement.GetProperty("keys")[1].GetRawText())!;
        rsa["use"] = "enc";
        rsa["kid"] = "encryption-key";

        var keys = JwksParser.SigningKeys(JsonSerializer.Serialize(new { keys = new[] { rsa } }));

        Assert.Empty(keys);
    }

    [Fact]
    public void Key_without_use_is_kept()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(idp.EcKey);
        var json = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, crv = jwk.Crv, x = jwk.X, y = jwk.Y } } });

        Assert.Equal([idp.EcKey.KeyId], JwksParser.SigningKeys(json).Select(k => k.KeyId));
    }

    [Fact]
    public void Empty_set_gives_no_keys()
    {
        Assert.Empty(JwksParser.SigningKeys("""{"keys":[]}"""));
    }
}
