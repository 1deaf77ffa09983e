using TokenExchange.Abstractions;
using TokenExchange.Proofs;

namespace TokenExchange.Grains.Proofs;

/// <summary>
/// One partition of the one-time identifiers, in memory only: an identifier is remembered for its proof's window
/// (a minute), so a storage write per request would buy little (docs/architecture.md, "One-time use", for what a
/// lost activation costs). Expired entries are swept at most every <see cref="SweepInterval"/>, during a call, so
/// memory follows the window's traffic; a partition holding <see cref="MaxEntries"/> live entries answers
/// <see cref="OneTimeUse.Unavailable"/> rather than forget one.
/// </summary>
public sealed class OneTimeUseGrain(TimeProvider time) : Grain, IOneTimeUseGrain
{
    /// <summary>Live entries one partition holds at most: with 64 partitions, 3.2 million proofs a minute.</summary>
    public const int MaxEntries = 50_000;

    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, (DateTimeOffset Until, Guid RequestId)> used = new(StringComparer.Ordinal);
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;

    public Task<OneTimeUse> Use(string hash, DateTimeOffset until, Guid requestId)
    {
        var now = time.GetUtcNow();
        if (now - lastSweep >= SweepInterval || used.Count >= MaxEntries) Sweep(now);
        if (used.TryGetValue(hash, out var entry) && entry.Until > now)
            return Task.FromResult(entry.RequestId == requestId ? OneTimeUse.First : OneTimeUse.Replayed);
        if (used.Count >= MaxEntries) return Task.FromResult(OneTimeUse.Unavailable);
        used[hash] = (until, requestId);
        return Task.FromResult(OneTimeUse.First);
    }

    private void Sweep(DateTimeOffset now)
    {
        lastSweep = now;
        foreach (var (hash, entry) in used)
        {
            if (entry.Until <= now) used.Remove(hash);
        }
    }
}
