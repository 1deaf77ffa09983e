using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Grains.Silo;

namespace TokenExchange.Server.Health;

/// <summary>
/// Ready when this silo is active in the cluster and has loaded the definitions and the signing keys
/// (<see cref="ClusterStartup"/> has run); until then a load balancer must not send it exchanges.
/// </summary>
public sealed class ClusterReadyCheck(ClusterStartup startup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(startup.IsReady
            ? HealthCheckResult.Healthy("silo active, definitions and signing keys loaded")
            : HealthCheckResult.Unhealthy("silo not active yet"));
}
