using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Users;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Sessions;

[Collection(ClusterCollection.Name)]
public sealed class UserMappingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task New_subject_through_an_app_that_may_create_users_gets_one_user_on_every_silo()
    {
        var subject = Unique("jit");

        var first = await cluster.ExchangeAsync(0, Request(Orders, subject));
        Assert.Null(first.Error);
        Assert.NotNull(first.Tokens);
        var userId = first.UserId;
        Assert.NotNull(userId);
        Assert.StartsWith("u-", userId, StringComparison.Ordinal);

        var again = await cluster.ExchangeAsync(0, Request(Orders, subject));
        var otherSilo = await cluster.ExchangeAsync(1, Request(Orders, subject));
        Assert.Equal(userId, again.UserId);
        Assert.Equal(userId, otherSilo.UserId);
        Assert.NotNull(otherSilo.Tokens);

        var link = new ExternalIdentity(Partner, Idp.Issuer, subject);
        Assert.Equal(userId, await cluster.Service<GrainUserDirectory>(0).FindLinkedAsync(link));
        var user = await cluster.Grains.GetGrain<IUserGrain>(userId).Get();
        Assert.NotNull(user);
        Assert.True(user.Enabled);
        Assert.Equal([link], await cluster.Grains.GetGrain<IUserGrain>(userId).GetLinks());
        Assert.Equal(Partner, await cluster.Grains.GetGrain<IUserGrain>(userId).GetCreatedBy());
    }

    [Fact]
    public async Task Concurrent_first_exchanges_of_one_subject_on_both_silos_create_one_user()
    {
        var subject = Unique("race");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => cluster.ExchangeAsync(i % 2, Request(Orders, subject))));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        var ids = outcomes.Select(o => o.UserId).Distinct().ToArray();
        var id = Assert.Single(ids);
        Assert.Equal(id, await cluster.Service<GrainUserDirectory>(1).FindLinkedAsync(new ExternalIdentity(Partner, Idp.Issuer, subject)));
    }

    [Fact]
    public async Task App_without_user_creation_maps_known_subjects_and_refuses_unknown_ones()
    {
        var known = await cluster.ExchangeAsync(1, Request(Billing, "dave-ext-1"));
        Assert.Null(known.Error);
        Assert.Equal("u-dave", known.UserId);

        var subject = Unique("stranger");
        foreach (var silo in new[] { 0, 1 })
        {
            var outcome = await cluster.ExchangeAsync(silo, Request(Billing, subject));
            Assert.Null(outcome.Tokens);
            Assert.Equal(OAuthErrorCodes.InvalidGrant, outcome.Error?.Code);
        }
        Assert.Null(await cluster.Service<GrainUserDirectory>(1).FindLinkedAsync(new ExternalIdentity(Partner, Idp.Issuer, subject)));
    }
}
