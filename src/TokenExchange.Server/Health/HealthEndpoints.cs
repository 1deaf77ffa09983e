using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenExchange.Server.Health;

/// <summary>
/// <c>/healthz</c>: the process serves HTTP (liveness; no dependency is checked, so a storage outage does
/// not get pods restarted). <c>/readyz</c> and the gRPC health checking protocol: every check tagged ready; the
/// gRPC health service <c>liveness</c>: as <c>/healthz</c>.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";
    public const string GrpcLivenessService = "liveness";

    public static void AddTokenExchangeHealth(this IServiceCollection services, string? postgres)
    {
        // Liveness checks nothing (a storage outage must not get pods restarted): the process answers, that is all.
        var checks = services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("serving"), tags: [LiveTag])
            .AddCheck<ClusterReadyCheck>("cluster", tags: [ReadyTag]);
        if (postgres is not null) checks.AddTypeActivatedCheck<PostgresReadyCheck>("postgres", failureStatus: null, tags: [ReadyTag], args: [postgres]);
        services.AddGrpcHealthChecks(options =>
        {
            options.Services.Map("", check => check.Tags.Contains(ReadyTag));
            // Liveness over gRPC, as /healthz: no check runs (a Kubernetes grpc probe with service "liveness").
            options.Services.Map(GrpcLivenessService, check => check.Tags.Contains(LiveTag));
        });
    }

    public static void MapTokenExchangeHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapGrpcHealthChecksService();
    }
}
