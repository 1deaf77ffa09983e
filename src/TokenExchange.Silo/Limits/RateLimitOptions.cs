namespace TokenExchange.Silo.Limits;

/// <summary>The silo-wide budgets and how much limiter state a silo keeps.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Requests per second (and burst) one client address may make to this silo, whatever the app; 0 is off.</summary>
    public int PerAddressRequestsPerSecond { get; init; }

    /// <summary>
    /// Most client addresses (and, separately, app and address pairs of the invalid-token budget) whose
    /// buckets a silo keeps; beyond it the least recently used are forgotten (a forgotten address starts
    /// again with a full bucket), so an attacker cycling addresses cannot grow memory.
    /// </summary>
    public int MaxTrackedAddresses { get; init; } = 100_000;

    /// <summary>Most apps whose buckets a silo keeps (apps are registered, so this is only a safety net).</summary>
    public int MaxTrackedApps { get; init; } = 10_000;
}
