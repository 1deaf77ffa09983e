using Microsoft.IdentityModel.JsonWebTokens;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

[Collection(ClusterCollection.Name)]
public sealed class ExchangeFrontDoorTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Exchange_for_a_known_subject_issues_tokens_on_each_silo(int silo)
    {
        var outcome = await cluster.ExchangeAsync(silo, Request(Orders, "alice-ext-1") with { Scopes = ["api"] });

        Assert.Null(outcome.Error);
        Assert.NotNull(outcome.Tokens);
        Assert.Equal("u-alice", outcome.UserId);
        var token = new JsonWebToken(outcome.Tokens.AccessToken);
        Assert.Equal(SiloConfigurator.Issuer, token.Issuer);
        Assert.Equal("u-alice", token.Subject);
        Assert.Equal(["https://orders.example"], token.Audiences);
    }
}
