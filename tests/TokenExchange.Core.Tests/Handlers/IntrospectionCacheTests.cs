using TokenExchange.Core.Handlers;


namespace TokenExchange.Core.Tests.Handlers;

/// <summary>The introspection answers cache under a flood of distinct tokens: never more than its bound.</summary>
public sealed class IntrospectionCacheTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static IntrospectionCache.Entry Answer(TimeSpan lifetime) => new(null, null, Now + lifetime);

    [Fact]
    public void A_flood_of_tokens_fills_the_cache_to_its_bound_and_no_further()
    {
        var cache = new IntrospectionCache(maxEntries: 100);

        var kept = Enumerable.Range(0, 10_000).Count(i => cache.TrySet(IntrospectionCache.KeyOf($"token-{i}"), Answer(TimeSpan.FromMinutes(1)), Now));

        Assert.Equal(100, kept);
        Assert.Equal(100, cache.Count);
        Assert.True(cache.TryGet(IntrospectionCache.KeyOf("token-0"), Now, out _));
        Assert.False(cache.TryGet(IntrospectionCache.KeyOf("token-100"), Now, out _));
    }

    [Fact]
    public void Expired_answers_make_room_once_swept()
    {
        var cache = new IntrospectionCache(maxEntries: 100);
        for (var i = 0; i < 100; i++) cache.TrySet(IntrospectionCache.KeyOf($"old-{i}"), Answer(TimeSpan.FromSeconds(5)), Now);

        var later = Now + TimeSpan.FromSeconds(10);
        var kept = Enumerable.Range(0, 1000).Count(i => cache.TrySet(IntrospectionCache.KeyOf($"new-{i}"), Answer(TimeSpan.FromMinutes(1)), later));

        Assert.Equal(100, kept);
        Assert.Equal(100, cache.Count);
    }
}
