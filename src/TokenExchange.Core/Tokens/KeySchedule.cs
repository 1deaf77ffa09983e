
namespace TokenExchange.Tokens;

/// <summary>Which stored keys sign and which are published at a given time.</summary>
public static class KeySchedule
{
    /// <summary>
    /// The published keys (not retired), the signing one first: the newest already active. Also the next
    /// time this answer changes (a key activates or retires), so a silo knows when to look again.
    /// </summary>
    public static (IReadOnlyList<SigningKeyEntry> Published, DateTimeOffset? NextChange) At(IReadOnlyList<SigningKeyEntry> keys, DateTimeOffset now)
    {
        var published = keys.Where(k => k.RetiresAt is null || k.RetiresAt > now).ToList();
        var signing = published.Where(k => k.ActivatesAt <= now).MaxBy(k => k.ActivatesAt)
            ?? throw new InvalidOperationException("no signing key is active");
        var ordered = new List<SigningKeyEntry> { signing };
        ordered.AddRange(published.Where(k => k != signing).OrderByDescending(k => k.ActivatesAt));
        var future = keys.Select(k => k.ActivatesAt).Concat(keys.Select(k => k.RetiresAt).OfType<DateTimeOffset>()).Where(t => t > now);
        return (ordered, future.Any() ? future.Min() : null);
    }
}
