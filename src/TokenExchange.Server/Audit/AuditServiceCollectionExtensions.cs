using Npgsql;
using TokenExchange.Silo.Events;
using TokenExchange.Storage;

namespace TokenExchange.Server.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit table (<c>--audit postgres</c>): every token event also goes to <see cref="PostgresAuditSink"/>,
    /// and the admin API's QueryAudit reads <see cref="AuditTable"/>. Registered after the silo, so it
    /// starts after it and stops (writing what is queued) before it.
    /// </summary>
    public static IServiceCollection AddPostgresAudit(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => new AuditTable(NpgsqlDataSource.Create(connectionString)));
        services.AddSingleton(sp => new PostgresAuditSink(
            sp.GetRequiredService<AuditTable>().WriteAsync,
            sp.GetRequiredService<ILogger<PostgresAuditSink>>(),
            sp.GetRequiredService<TokenExchange.Diagnostics.TokenExchangeMetrics>()));
        services.AddSingleton<ITokenEventSink>(sp => sp.GetRequiredService<PostgresAuditSink>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresAuditSink>());
        return services;
    }
}
