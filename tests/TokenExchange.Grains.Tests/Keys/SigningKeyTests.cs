using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Keys;
using TokenExchange.Testing;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Keys;

[Collection(ClusterCollection.Name)]
public sealed class SigningKeyTests(ClusterFixture cluster)
{
    private ISigningKeyGrain Grain => cluster.Grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key);

    [Fact]
    public async Task Keys_are_stored_encrypted_and_every_silo_signs_with_the_current_one()
    {
        var first = await Grain.GetKeys();
        var second = await Grain.GetKeys();

        Assert.Equal(first.Version, second.Version);
        Assert.All(first.Keys, k => Assert.StartsWith("v1:", k.ProtectedJwk));
        Assert.All(first.Keys, k => Assert.DoesNotContain("\"d\"", k.ProtectedJwk));
        var current = cluster.Service<SigningKeyCache>(0).Ring.Current.KeyId;
        foreach (var silo in new[] { 0, 1 })
        {
            await Poll.UntilAsync(() => cluster.Service<SigningKeyCache>(silo).Ring.Current.KeyId == current, TimeSpan.FromSeconds(2), "same key on every silo");
            var outcome = await cluster.ExchangeAsync(silo, Request(Orders, "alice-ext-1"));
            Assert.Contains(new JsonWebToken(outcome.Tokens!.AccessToken).Kid, cluster.Service<SigningKeyCache>(silo).Ring.Keys.Select(k => k.KeyId));
        }
    }

    [Fact]
    public async Task A_rotation_publishes_the_new_key_at_once_and_signs_with_it_only_after_the_delay()
    {
        var before = cluster.Service<SigningKeyCache>(0).Ring.Current.KeyId;

        var delayed = await Grain.Rotate(new KeyRotationPolicy(TimeSpan.FromDays(30), TimeSpan.FromHours(1), TimeSpan.FromDays(1)));
        var upcoming = delayed.Keys.MaxBy(k => k.ActivatesAt)!;

        foreach (var silo in new[] { 0, 1 })
        {
            await Poll.UntilAsync(() => cluster.Service<SigningKeyCache>(silo).Ring.Keys.Any(k => k.KeyId == upcoming.KeyId), TimeSpan.FromSeconds(1), "the new key published on every silo");
            Assert.NotEqual(upcoming.KeyId, cluster.Service<SigningKeyCache>(silo).Ring.Current.KeyId);
        }
        Assert.NotNull(delayed.Keys.Single(k => k.KeyId == before).RetiresAt);

        // Rotating again without delay: within a second every silo signs with the newest key.
        var now = await Grain.Rotate(new KeyRotationPolicy(TimeSpan.FromDays(30), TimeSpan.Zero, TimeSpan.FromDays(1)));
        var newest = now.Keys.MaxBy(k => k.CreatedAt)!.KeyId;
        foreach (var silo in new[] { 0, 1 })
        {
            await Poll.UntilAsync(() => cluster.Service<SigningKeyCache>(silo).Ring.Current.KeyId == newest, TimeSpan.FromSeconds(1), "every silo signing with the newest key");
            Assert.Contains(before, cluster.Service<SigningKeyCache>(silo).Ring.Keys.Select(k => k.KeyId));
        }
    }

    [Fact]
    public async Task A_scheduled_rotation_happens_only_when_due()
    {
        var version = (await Grain.GetKeys()).Version;

        var notDue = await Grain.RotateIfDue(new KeyRotationPolicy(TimeSpan.FromDays(30), TimeSpan.Zero, TimeSpan.FromDays(1)));

        Assert.Equal(version, notDue.Version);
    }
}
