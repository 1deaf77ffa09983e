namespace TokenExchange.Definitions;

/// <summary>
/// An app's request budgets on each silo (not cluster-wide: with N silos behind an even load balancer the
/// app gets up to N times these). Zero turns a budget off.
/// </summary>
public sealed record RateLimitPolicy
{
    /// <summary>Sustained requests per second of the app (exchange, refresh, introspection, revocation).</summary>
    public int RequestsPerSecond { get; init; }

    /// <summary>Requests the app may make at once after being idle; zero means one second's worth.</summary>
    public int Burst { get; init; }

    /// <summary>
    /// Subject tokens the handler may refuse per minute for one app and client address; once spent, that
    /// app and address are refused before their tokens are validated, until the budget refills.
    /// </summary>
    public int InvalidTokensPerMinute { get; init; }

    public int EffectiveBurst => Burst > 0 ? Burst : RequestsPerSecond;
}
