using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace TokenExchange.Server.Health;

/// <summary>
/// <c>/healthz</c>: the process serves HTTP (liveness; no dependency is checked, so a storage outage does
/// not get pods restarted). <c>/readyz</c> and the gRPC health checking protocol: every check tagged ready.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string ReadyTag = "ready";

    public static void AddTokenExchangeHealth(this IServiceCollection services, string? postgres)
    {
        var checks = services.AddHealthChecks().AddCheck<ClusterReadyCheck>("cluster", tags: [ReadyTag]);
        if (postgres is not null) checks.AddTypeActivatedCheck<PostgresReadyCheck>("postgres", failureStatus: null, tags: [ReadyTag], args: [postgres]);
        services.AddGrpcHealthChecks(options => options.Services.Map("", check => check.Tags.Contains(ReadyTag)));
    }

    public static void MapTokenExchangeHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapGrpcHealthChecksService();
    }
}
