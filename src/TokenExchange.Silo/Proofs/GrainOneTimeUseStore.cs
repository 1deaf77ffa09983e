using TokenExchange.Abstractions;
using TokenExchange.Proofs;

namespace TokenExchange.Silo.Proofs;

/// <summary>
/// Core's one-time store as the partition grains (<see cref="IOneTimeUseGrain"/>). A call is retried when its silo
/// died or is leaving (<see cref="GrainCallRetry"/>); the request id makes the repeat of a call whose answer was
/// lost a first use again, not a replay. A cluster that cannot answer is <see cref="OneTimeUse.Unavailable"/>:
/// a proof is never accepted unrecorded.
/// </summary>
public sealed class GrainOneTimeUseStore(IGrainFactory grains, GrainCallRetry retry) : IOneTimeUseStore
{
    public async ValueTask<OneTimeUse> UseAsync(OneTimeUseKey key, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var partition = grains.GetGrain<IOneTimeUseGrain>(key.Partition);
        var requestId = Guid.NewGuid();
        try
        {
            return await retry.CallAsync(() => partition.Use(key.Hash, until, requestId), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return OneTimeUse.Unavailable;
        }
    }
}
