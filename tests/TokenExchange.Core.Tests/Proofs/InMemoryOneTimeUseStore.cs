using TokenExchange.Proofs;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary>The one-time store as a dictionary, with the answer to give forced where a test needs it.</summary>
public sealed class InMemoryOneTimeUseStore : IOneTimeUseStore
{
    public Dictionary<OneTimeUseKey, DateTimeOffset> Used { get; } = [];

    public OneTimeUse? Forced { get; set; }

    public ValueTask<OneTimeUse> UseAsync(OneTimeUseKey key, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (Forced is { } forced) return ValueTask.FromResult(forced);
        return ValueTask.FromResult(Used.TryAdd(key, until) ? OneTimeUse.First : OneTimeUse.Replayed);
    }
}
