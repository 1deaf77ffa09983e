namespace TokenExchange.Handlers;

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
}
