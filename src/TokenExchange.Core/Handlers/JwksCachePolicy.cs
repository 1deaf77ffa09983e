namespace TokenExchange.Core.Handlers;

/// <summary>How an IdP's JWKS is cached.</summary>
public sealed record JwksCachePolicy
{
    /// <summary>Least time between two fetches, so a flood of unknown kids is not a flood of fetches.</summary>
    public TimeSpan RefreshCooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keys older than this are refetched on the next use.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest JWKS document accepted.</summary>
    public int MaxDocumentBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Most signing keys taken from one document (IdPs publish a handful). A larger set is refused like a failed
    /// fetch (the keys held are kept): every key is memory, and a token without a kid is tried against each.
    /// </summary>
    public int MaxKeys { get; init; } = 50;
}
