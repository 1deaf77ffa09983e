using TokenExchange.Proofs;

namespace TokenExchange.Abstractions;

/// <summary>
/// One partition of the cluster's one-time identifiers (<see cref="IOneTimeUseStore"/>), keyed by
/// <see cref="OneTimeUseKey.Partition"/>: every silo asks the same activation about the same identifier, so a
/// replay to another silo is seen (docs/architecture.md, "One-time use").
/// </summary>
[Alias("tx.IOneTimeUseGrain")]
public interface IOneTimeUseGrain : IGrainWithIntegerKey
{
    /// <param name="hash">The identifier's <see cref="OneTimeUseKey.Hash"/>.</param>
    /// <param name="until">Until when to remember it.</param>
    /// <param name="requestId">The asking request's id: a retry of the same request is its first use again, not a replay.</param>
    [Alias("Use")] Task<OneTimeUse> Use(string hash, DateTimeOffset until, Guid requestId);
}
