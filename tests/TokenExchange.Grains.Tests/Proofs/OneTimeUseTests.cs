using TokenExchange.Abstractions;
using TokenExchange.Proofs;
using TokenExchange.Testing;

namespace TokenExchange.Grains.Tests.Proofs;

/// <summary>
/// The cluster-wide one-time store on two silos: an identifier used through one silo is a replay through the
/// other, in every partition, and a DPoP proof accepted by one silo is refused by the other.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OneTimeUseTests(ClusterFixture cluster)
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddMinutes(5);

    /// <summary>One key in each of the 64 partitions.</summary>
    private static List<OneTimeUseKey> OnePerPartition(string run)
    {
        var keys = new Dictionary<int, OneTimeUseKey>();
        for (var i = 0; keys.Count < OneTimeUseKey.Partitions; i++)
        {
            var key = OneTimeUseKey.For("test", run, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            keys.TryAdd(key.Partition, key);
        }
        return [.. keys.Values];
    }

    [Fact]
    public async Task An_identifier_used_through_one_silo_is_a_replay_through_the_other_in_every_partition()
    {
        var first = cluster.Service<IOneTimeUseStore>(0);
        var second = cluster.Service<IOneTimeUseStore>(1);
        foreach (var key in OnePerPartition(Guid.NewGuid().ToString()))
        {
            Assert.Equal(OneTimeUse.First, await first.UseAsync(key, Later, CancellationToken.None));
            Assert.Equal(OneTimeUse.Replayed, await second.UseAsync(key, Later, CancellationToken.None));
            Assert.Equal(OneTimeUse.Replayed, await first.UseAsync(key, Later, CancellationToken.None));
        }
    }

    [Fact]
    public async Task An_identifier_past_its_window_is_forgotten()
    {
        var store = cluster.Service<IOneTimeUseStore>(0);
        var key = OneTimeUseKey.For("test", Guid.NewGuid().ToString(), "expired");
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);

        Assert.Equal(OneTimeUse.First, await store.UseAsync(key, past, CancellationToken.None));
        Assert.Equal(OneTimeUse.First, await store.UseAsync(key, Later, CancellationToken.None));
        Assert.Equal(OneTimeUse.Replayed, await store.UseAsync(key, Later, CancellationToken.None));
    }

    [Fact]
    public async Task A_repeated_call_of_the_same_request_is_its_first_use_again()
    {
        var key = OneTimeUseKey.For("test", Guid.NewGuid().ToString(), "retried");
        var partition = cluster.Grains.GetGrain<IOneTimeUseGrain>(key.Partition);
        var request = Guid.NewGuid();

        Assert.Equal(OneTimeUse.First, await partition.Use(key.Hash, Later, request));
        Assert.Equal(OneTimeUse.First, await partition.Use(key.Hash, Later, request));
        Assert.Equal(OneTimeUse.Replayed, await partition.Use(key.Hash, Later, Guid.NewGuid()));
    }

    [Fact]
    public async Task A_DPoP_proof_accepted_by_one_silo_is_refused_as_a_replay_by_the_other()
    {
        var proof = new DpopKey().Proof("https://tx.test/oauth2/token");
        var presentation = new DpopPresentation(proof, "POST", ["https://tx.test/oauth2/token"]);

        var (thumbprint, error) = await cluster.Service<DpopProofValidator>(0).ValidateAsync(presentation, CancellationToken.None);
        Assert.Null(error);
        Assert.NotNull(thumbprint);

        var (_, replay) = await cluster.Service<DpopProofValidator>(1).ValidateAsync(presentation, CancellationToken.None);
        Assert.Equal("invalid_dpop_proof", replay?.Code);
        Assert.Equal("the DPoP proof was used before (jti)", replay!.Description);
    }
}
