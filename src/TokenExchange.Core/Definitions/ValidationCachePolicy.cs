namespace TokenExchange.Definitions;

/// <summary>
/// How long and how many verified subject (and actor) tokens a jwt handler remembers per silo, so that a token
/// presented again skips the signature check (README "Verified-token cache"). <see cref="MaxEntries"/> 0 turns it off.
/// </summary>
public sealed record ValidationCachePolicy
{
    public static readonly ValidationCachePolicy Default = new();

    /// <summary>Longest a verified token is remembered, whatever its own <c>exp</c> (which every hit re-checks).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most tokens remembered per handler and silo (at least 3); once it is full, the least recently presented is forgotten first and a new token is remembered the second time it verifies. 0: off.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Whether tokens are remembered at all.</summary>
    public bool Enabled => MaxEntries > 0;
}
