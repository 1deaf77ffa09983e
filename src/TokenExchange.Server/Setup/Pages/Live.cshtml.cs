using TokenExchange.Abstractions;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;

namespace TokenExchange.Server.Setup.Pages;

/// <summary>Outcome counts and latency per app and handler over the last minutes, from the cluster's recent-exchanges grain.</summary>
public sealed class LiveModel(IGrainFactory grains, DefinitionAdmin admin, AdminAudit audit) : SetupPage(admin, audit)
{
    public RecentExchangeSummary Summary { get; private set; } = new(DateTimeOffset.UnixEpoch, [], []);

    public async Task OnGetAsync() => Summary = await grains.GetGrain<IRecentExchangesGrain>(IRecentExchangesGrain.Key).Summarize();
}
