using System.Threading.RateLimiting;

namespace TokenExchange.Silo.Limits;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/>: holds at most <c>capacity</c> permits and refills
/// continuously at <c>perSecond</c>. Why not System.Threading.RateLimiting's own TokenBucketRateLimiter:
/// it reads Stopwatch directly (even with manual replenishment it refills by real elapsed time), so tests
/// could not move its time; this one is a <see cref="RateLimiter"/> like it, refills lazily on each
/// acquisition (no timer per bucket), and never queues: a refused lease says when to retry.
/// </summary>
public sealed class TokenBucket : RateLimiter
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly double perTick;
    private double tokens;
    private long refilledAt;
    private long successes;
    private long failures;

    public TokenBucket(int capacity, double perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(perSecond, 0);
        Capacity = capacity;
        PerSecond = perSecond;
        this.time = time;
        perTick = perSecond / time.TimestampFrequency;
        tokens = capacity;
        refilledAt = time.GetTimestamp();
    }

    public int Capacity { get; }
    public double PerSecond { get; }

    /// <summary>Not tracked: buckets live in a bounded cache that evicts by use, not by idleness.</summary>
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)tokens,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = successes,
                TotalFailedLeases = failures,
            };
        }
    }

    /// <summary>Takes <paramref name="permitCount"/> permits; 0 asks whether one is available without taking it.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, Capacity);
        lock (gate)
        {
            Refill();
            var needed = Math.Max(permitCount, 1);
            if (tokens >= needed)
            {
                tokens -= permitCount;
                successes++;
                return Lease.Acquired;
            }
            failures++;
            // Whole seconds, at least one: what Retry-After can say.
            var wait = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((needed - tokens) / PerSecond)));
            return new Lease(false, wait);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = time.GetTimestamp();
        tokens = Math.Min(Capacity, tokens + (now - refilledAt) * perTick);
        refilledAt = now;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }
            metadata = null;
            return false;
        }
    }
}
