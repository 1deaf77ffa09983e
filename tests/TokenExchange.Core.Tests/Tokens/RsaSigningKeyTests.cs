using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class RsaSigningKeyTests
{
    [Fact]
    public async Task An_rs256_key_round_trips_through_its_private_jwk_and_signs_verifiably()
    {
        var key = SigningKey.Generate(SigningKey.Rs256);
        var restored = SigningKey.FromPrivateJwk(key.ToPrivateJwk());
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Issuer = "i", SigningCredentials = restored.Credentials });

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "i",
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = new JsonWebKey(JwksDocument.Write([key.PublicJwk]).Split("\"keys\":[")[1].TrimEnd(']', '}') + "}"),
        });

        Assert.Equal("RS256", restored.Algorithm);
        Assert.Equal(key.KeyId, restored.KeyId);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void Its_jwks_entry_has_the_rsa_members_and_no_private_one()
    {
        var jwks = JwksDocument.Write([SigningKey.Generate(SigningKey.Rs256).PublicJwk]);

        Assert.Contains("\"n\":", jwks);
        Assert.Contains("\"e\":", jwks);
        Assert.DoesNotContain("\"d\":", jwks);
        Assert.DoesNotContain("\"crv\":", jwks);
    }

    [Fact]
    public void Other_algorithms_are_refused() => Assert.Throws<ArgumentException>(() => SigningKey.Generate("HS256"));
}
