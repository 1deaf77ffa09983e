using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class JwksDocumentTests
{
    [Fact]
    public void Document_lists_every_public_key_without_private_parts()
    {
        SigningKey[] keys = [SigningKey.Generate(), SigningKey.Generate()];

        var json = JwksDocument.Write(keys.Select(k => k.PublicJwk));

        using var document = JsonDocument.Parse(json);
        var published = document.RootElement.GetProperty("keys").EnumerateArray().ToArray();
        Assert.Equal(keys.Select(k => k.KeyId), published.Select(k => k.GetProperty("kid").GetString()));
        Assert.All(published, k => Assert.False(k.TryGetProperty("d", out _)));
        Assert.DoesNotContain("\"d\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_keys_verify_what_the_private_keys_sign()
    {
        var key = SigningKey.Generate();
        var set = new JsonWebKeySet(JwksDocument.Write([key.PublicJwk]));
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "u-1" },
            SigningCredentials = key.Credentials,
        });

        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKeys = set.GetSigningKeys(),
        });

        Assert.True(result.IsValid, result.Exception?.ToString());
    }
}
