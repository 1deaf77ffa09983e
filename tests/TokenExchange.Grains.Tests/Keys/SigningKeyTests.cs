using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Grains.Keys;
using TokenExchange.Tokens;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Keys;

[Collection(ClusterCollection.Name)]
public sealed class SigningKeyTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Key_grain_returns_one_key_set_and_every_silo_signs_with_its_current_key()
    {
        var grain = cluster.Grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key);
        var first = await grain.GetKeys();
        var second = await grain.GetKeys();

        Assert.NotEmpty(first.PrivateJwks);
        Assert.Equal(first.PrivateJwks, second.PrivateJwks);
        var current = SigningKey.FromPrivateJwk(first.PrivateJwks[0]).KeyId;
        foreach (var silo in new[] { 0, 1 })
        {
            Assert.Equal(current, cluster.Service<SigningKeyCache>(silo).Ring.Current.KeyId);
            var outcome = await cluster.ExchangeAsync(silo, Request(Orders, "alice-ext-1"));
            Assert.Equal(current, new JsonWebToken(outcome.Tokens!.AccessToken).Kid);
        }
    }
}
