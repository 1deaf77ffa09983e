namespace TokenExchange.Proofs;

/// <summary>
/// The cluster-wide record of one-time identifiers (a DPoP proof's <c>jti</c>, RFC 9449 section 11.1): the
/// first use of an identifier within its window is accepted, any later use anywhere in the cluster is a replay.
/// The silo implements it with partition grains (docs/architecture.md, "One-time use"); Core sees only this.
/// </summary>
public interface IOneTimeUseStore
{
    /// <param name="key">The identifier's <see cref="OneTimeUseKey"/>.</param>
    /// <param name="until">Until when the identifier must be remembered: past it, the proof is refused as too old anyway.</param>
    ValueTask<OneTimeUse> UseAsync(OneTimeUseKey key, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>What the store answered for one identifier.</summary>
public enum OneTimeUse
{
    /// <summary>Its first use: go on.</summary>
    First = 0,

    /// <summary>Used before within its window: a replay.</summary>
    Replayed = 1,

    /// <summary>The store cannot take it (its partition is full): refuse, never accept unrecorded.</summary>
    Unavailable = 2,
}
