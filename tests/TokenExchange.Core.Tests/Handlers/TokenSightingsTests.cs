using TokenExchange.Core.Handlers;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// The verified-token cache's doorkeeper: a token's second sighting is known while its bucket has not taken
/// <see cref="TokenSightings.Ways"/> newer ones; the table has a fixed size and forgets instead of growing.
/// </summary>
public sealed class TokenSightingsTests
{
    /// <summary>A token in bucket <paramref name="bucket"/> with fingerprint <paramref name="fingerprint"/> (bits above the table's bucket bits do not pick the bucket).</summary>
    private static TokenHash InBucket(ulong bucket, ulong fingerprint, ulong above = 0) => new(bucket | (above << 40), fingerprint);

    [Fact]
    public void A_token_is_seen_before_at_its_second_sighting_and_after()
    {
        var sightings = new TokenSightings(100);
        var token = TokenHash.Of("header.payload.signature");

        Assert.False(sightings.SeenBefore(token));
        Assert.True(sightings.SeenBefore(token));
        Assert.True(sightings.SeenBefore(token));
    }

    [Fact]
    public void A_hash_of_zeros_is_not_mistaken_for_an_empty_slot()
    {
        var sightings = new TokenSightings(100);

        Assert.False(sightings.SeenBefore(new TokenHash(0, 0)));
        Assert.True(sightings.SeenBefore(new TokenHash(0, 0)));
    }

    [Fact]
    public void A_bucket_keeps_its_newest_sightings_and_forgets_the_oldest_first()
    {
        var sightings = new TokenSightings(100);
        var tokens = Enumerable.Range(0, TokenSightings.Ways + 1).Select(i => InBucket(7, 1000 + (ulong)i * 2, above: (ulong)i)).ToArray();
        foreach (var token in tokens) Assert.False(sightings.SeenBefore(token));

        // Looking a token up does not move it: the four newest are still there, and the first is gone.
        foreach (var token in tokens[1..]) Assert.True(sightings.SeenBefore(token));
        Assert.False(sightings.SeenBefore(tokens[0]));
    }

    [Fact]
    public void Two_new_tokens_of_one_bucket_presented_in_turn_are_both_seen_before_at_their_second_sighting()
    {
        var sightings = new TokenSightings(100);
        var (first, second) = (InBucket(3, 11), InBucket(3, 13));

        Assert.False(sightings.SeenBefore(first));
        Assert.False(sightings.SeenBefore(second));
        Assert.True(sightings.SeenBefore(first));
        Assert.True(sightings.SeenBefore(second));
    }

    [Fact]
    public void Sightings_in_other_buckets_do_not_push_a_token_out()
    {
        var sightings = new TokenSightings(100);
        var token = InBucket(5, 21);
        sightings.SeenBefore(token);

        for (ulong bucket = 0; bucket < (ulong)(sightings.Slots / TokenSightings.Ways); bucket++)
        {
            if (bucket != 5) Assert.False(sightings.SeenBefore(InBucket(bucket, 21)));
        }

        Assert.True(sightings.SeenBefore(token));
    }

    [Theory]
    [InlineData(3, TokenSightings.MinSlots)]
    [InlineData(1_000, TokenSightings.MinSlots)]
    [InlineData(100_000, 131_072)]
    [InlineData(10_000_000, TokenSightings.MaxSlots)]
    public void The_table_holds_the_cache_s_size_rounded_up_to_a_power_of_two_within_its_bounds(int tokens, int slots) =>
        Assert.Equal(slots, new TokenSightings(tokens).Slots);

    [Fact]
    public void The_last_bucket_is_reached_by_a_hash_with_every_bucket_bit_set()
    {
        var sightings = new TokenSightings(100);
        var last = new TokenHash(ulong.MaxValue, 99);

        Assert.False(sightings.SeenBefore(last));
        Assert.True(sightings.SeenBefore(last));
        Assert.False(sightings.SeenBefore(InBucket((ulong)(sightings.Slots / TokenSightings.Ways) - 2, 99)));
    }
}
