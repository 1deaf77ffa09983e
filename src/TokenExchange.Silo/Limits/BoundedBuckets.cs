using BitFaster.Caching.Lru;

namespace TokenExchange.Silo.Limits;

/// <summary>
/// Token buckets by key (an app, an address, an app and address), at most <c>capacity</c> of them: a
/// concurrent LRU (BitFaster's ConcurrentLru) forgets the least recently used when full. A bucket whose
/// settings changed (an apply changed the app's limits) is replaced on its next use.
/// </summary>
public sealed class BoundedBuckets<TKey>(int capacity, TimeProvider time) where TKey : notnull
{
    private readonly ConcurrentLru<TKey, TokenBucket> buckets = new(Environment.ProcessorCount, capacity, EqualityComparer<TKey>.Default);

    public int Count => buckets.Count;

    public int Capacity { get; } = capacity;

    /// <summary>The key's bucket, created full (or replaced, when its settings differ).</summary>
    public TokenBucket Get(TKey key, int size, double perSecond)
    {
        var bucket = buckets.GetOrAdd(key, _ => new TokenBucket(size, perSecond, time));
        if (bucket.Capacity == size && bucket.PerSecond == perSecond) return bucket;
        var fresh = new TokenBucket(size, perSecond, time);
        buckets.AddOrUpdate(key, fresh);
        return fresh;
    }

    /// <summary>The key's bucket if it has one with these settings; never creates one.</summary>
    public TokenBucket? Find(TKey key, int size, double perSecond) =>
        buckets.TryGet(key, out var bucket) && bucket.Capacity == size && bucket.PerSecond == perSecond ? bucket : null;
}
