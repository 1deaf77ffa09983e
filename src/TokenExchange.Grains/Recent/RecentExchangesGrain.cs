using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Recent;

/// <summary>One activation for the cluster, kept in memory: a live view may forget on a restart.</summary>
public sealed class RecentExchangesGrain(TimeProvider time) : Grain, IRecentExchangesGrain
{
    private readonly RecentExchangeWindow window = new(time);

    public Task Add(string silo, RecentExchangeSlice[] slices)
    {
        window.Add(silo, slices);
        return Task.CompletedTask;
    }

    public Task<RecentExchangeSummary> Summarize() => Task.FromResult(window.Summarize());
}
