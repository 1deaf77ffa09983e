using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Silo.Events;

namespace TokenExchange.Silo.Recent;

public static class RecentExchangeServiceCollectionExtensions
{
    /// <summary>The live view of recent exchanges: this silo's sink and its reporter to the cluster's grain.</summary>
    public static IServiceCollection AddRecentExchanges(this IServiceCollection services)
    {
        services.AddSingleton<RecentExchangeSink>();
        services.AddSingleton<ITokenEventSink>(sp => sp.GetRequiredService<RecentExchangeSink>());
        services.AddSingleton<RecentExchangeReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<RecentExchangeReporter>());
        return services;
    }
}
