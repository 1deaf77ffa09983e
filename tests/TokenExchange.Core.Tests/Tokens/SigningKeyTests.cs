using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class SigningKeyTests
{
    private static async Task<bool> Verifies(string token, SecurityKey key)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = key,
        });
        return result.IsValid;
    }

    private static string Sign(SigningKey key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://tx.test",
        Claims = new Dictionary<string, object> { ["sub"] = "u-1" },
        SigningCredentials = key.Credentials,
    });

    [Fact]
    public void Generated_key_is_es256_with_its_thumbprint_as_key_id()
    {
        var key = SigningKey.Generate();

        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal(Base64UrlEncoder.Encode(key.PublicJwk.ComputeJwkThumbprint()), key.KeyId);
        Assert.Equal(key.KeyId, key.PublicJwk.Kid);
        Assert.Equal(key.KeyId, key.SecurityKey.KeyId);
        Assert.Equal("sig", key.PublicJwk.Use);
        Assert.Equal("ES256", key.PublicJwk.Alg);
    }

    [Fact]
    public void Generated_keys_differ()
    {
        Assert.NotEqual(SigningKey.Generate().KeyId, SigningKey.Generate().KeyId);
    }

    [Fact]
    public void Public_jwk_has_no_private_part()
    {
        Assert.True(string.IsNullOrEmpty(SigningKey.Generate().PublicJwk.D));
    }

    [Fact]
    public void Private_jwk_round_trip_keeps_the_key_id()
    {
        var key = SigningKey.Generate();

        var restored = SigningKey.FromPrivateJwk(key.ToPrivateJwk());

        Assert.Equal(key.KeyId, restored.KeyId);
        Assert.Equal(key.PublicJwk.X, restored.PublicJwk.X);
        Assert.Equal(key.PublicJwk.Y, restored.PublicJwk.Y);
    }

    [Fact]
    public async Task Restored_key_signs_tokens_the_original_public_key_verifies()
    {
        var key = SigningKey.Generate();
        var restored = SigningKey.FromPrivateJwk(key.ToPrivateJwk());

        var token = Sign(restored);

        Assert.Equal(key.KeyId, new JsonWebToken(token).Kid);
        Assert.True(await Verifies(token, key.PublicJwk));
    }

    [Fact]
    public async Task Another_key_does_not_verify()
    {
        Assert.False(await Verifies(Sign(SigningKey.Generate()), SigningKey.Generate().PublicJwk));
    }

    [Fact]
    public void FromPrivateJwk_refuses_a_public_jwk()
    {
        var publicOnly = JwksDocument.Write([SigningKey.Generate().PublicJwk]);
        var jwk = System.Text.Json.JsonDocument.Parse(publicOnly).RootElement.GetProperty("keys")[0].GetRawText();

        Assert.Throws<ArgumentException>(() => SigningKey.FromPrivateJwk(jwk));
    }

    [Fact]
    public void FromPrivateJwk_refuses_an_incomplete_rsa_jwk()
    {
        Assert.ThrowsAny<ArgumentException>(() => SigningKey.FromPrivateJwk("""{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}"""));
    }

    [Fact]
    public async Task FromPem_reads_pkcs8_ec_and_rsa_keys_with_their_thumbprint_as_key_id()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var es256 = SigningKey.FromPem(ec.ExportPkcs8PrivateKeyPem());
        var rs256 = SigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());

        Assert.Equal(SigningKey.Es256, es256.Algorithm);
        Assert.Equal(SigningKey.Rs256, rs256.Algorithm);
        Assert.Equal(Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec)).ComputeJwkThumbprint()), es256.KeyId);
        Assert.True(await Verifies(Sign(es256), new ECDsaSecurityKey(ec)));
        Assert.True(await Verifies(Sign(rs256), new RsaSecurityKey(rsa)));
    }

    [Fact]
    public void FromPem_refuses_public_keys_small_rsa_keys_and_other_curves()
    {
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);

        Assert.Contains("private key", Assert.Throws<ArgumentException>(() => SigningKey.FromPem(ec.ExportSubjectPublicKeyInfoPem())).Message);
        Assert.Contains("2048", Assert.Throws<ArgumentException>(() => SigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem())).Message);
        Assert.Contains("P-256", Assert.Throws<ArgumentException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem())).Message);
    }
}
