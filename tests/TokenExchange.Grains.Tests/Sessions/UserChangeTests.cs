using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Users;
using TokenExchange.Testing;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Sessions;

/// <summary>
/// A subject session holds its user, so a warm subject needs no other activation; a change to that user must still
/// reach the next exchange, on every silo.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UserChangeTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Disabling_a_cached_user_refuses_the_next_exchange_and_enabling_restores_it()
    {
        var subject = Unique("erin");
        var erin = new UserRecord { Id = "u-" + subject, FederationId = subject };
        var directory = cluster.Service<GrainUserDirectory>(1);
        Assert.Null(await directory.PutAsync(erin));

        var before = await cluster.ExchangeAsync(0, Request(Orders, subject));
        Assert.Equal(erin.Id, before.UserId);

        Assert.Null(await directory.PutAsync(erin with { Enabled = false }));
        var refused = await Poll.UntilAsync(() => cluster.ExchangeAsync(0, Request(Orders, subject)), o => o.Error is not null, TimeSpan.FromSeconds(3), "the disabled user to be refused");
        Assert.Equal(OAuthErrorCodes.InvalidGrant, refused.Error?.Code);
        Assert.Null(refused.Tokens);
        var otherSilo = await cluster.ExchangeAsync(1, Request(Orders, subject));
        Assert.Equal(OAuthErrorCodes.InvalidGrant, otherSilo.Error?.Code);

        await cluster.Grains.GetGrain<IUserGrain>(erin.Id).Put(erin);
        var restored = await Poll.UntilAsync(() => cluster.ExchangeAsync(1, Request(Orders, subject)), o => o.Error is null, TimeSpan.FromSeconds(3), "the re-enabled user to be served");
        Assert.Equal(erin.Id, restored.UserId);
    }

    [Fact]
    public async Task Disabling_a_cached_user_is_heard_after_the_user_grain_was_deactivated()
    {
        var subject = Unique("frank");
        var frank = new UserRecord { Id = "u-" + subject, FederationId = subject };
        var directory = cluster.Service<GrainUserDirectory>(0);
        Assert.Null(await directory.PutAsync(frank));
        Assert.Equal(frank.Id, (await cluster.ExchangeAsync(0, Request(Orders, subject))).UserId);

        // A busy session stays active while the user grain, not called on cache hits, idles out.
        await cluster.Cluster.DeactivateAsync(cluster.Grains.GetGrain<IUserGrain>(frank.Id));
        Assert.Null(await directory.PutAsync(frank with { Enabled = false }));

        var outcome = await Poll.UntilAsync(() => cluster.ExchangeAsync(0, Request(Orders, subject)), o => o.Error is not null, TimeSpan.FromSeconds(3), "the disabled user to be refused");
        Assert.Equal(OAuthErrorCodes.InvalidGrant, outcome.Error?.Code);
    }

    [Fact]
    public async Task A_warm_subject_needs_only_its_session_and_a_disable_still_refuses_its_next_exchange()
    {
        var subject = Unique("grace");
        var grace = new UserRecord { Id = "u-" + subject, FederationId = subject };
        var directory = cluster.Service<GrainUserDirectory>(0);
        Assert.Null(await directory.PutAsync(grace));
        var user = cluster.Grains.GetGrain<IUserGrain>(grace.Id);
        var management = cluster.Grains.GetGrain<IManagementGrain>(0);
        async Task<bool> UserActive() => (await management.GetActiveGrains(user.GetGrainId().Type)).Contains(user.GetGrainId());

        Assert.Equal(grace.Id, (await cluster.ExchangeAsync(0, Request(Orders, subject))).UserId);
        // The session holds the user now: the user grain leaves memory without waiting for its collection age.
        await Poll.UntilAsync(async () => !await UserActive(), TimeSpan.FromSeconds(10), "the user grain to leave memory");
        for (var i = 0; i < 3; i++) Assert.Equal(grace.Id, (await cluster.ExchangeAsync(i % 2, Request(Orders, subject))).UserId);
        Assert.False(await UserActive(), "a warm exchange activated the user grain");

        Assert.Null(await directory.PutAsync(grace with { Enabled = false }));
        var refused = await Poll.UntilAsync(() => cluster.ExchangeAsync(1, Request(Orders, subject)), o => o.Error is not null, TimeSpan.FromSeconds(3), "the disabled user to be refused");
        Assert.Equal(OAuthErrorCodes.InvalidGrant, refused.Error?.Code);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, (await cluster.ExchangeAsync(0, Request(Orders, subject))).Error?.Code);
    }
}
