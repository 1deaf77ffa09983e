using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Grains.Keys;
using TokenExchange.Grains.Silo;

namespace TokenExchange.Server.Health;

/// <summary>
/// Ready when this silo is active in the cluster's membership, has loaded the definitions
/// (<see cref="ClusterStartup"/> has run and the silo is not stopping) and holds the signing keys; until
/// then a load balancer must not send it exchanges. The description names every condition not met.
/// </summary>
public sealed class ClusterReadyCheck(ClusterStartup startup, SigningKeyCache keys, IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unmet = new List<string>(3);
        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active) unmet.Add("silo not active in the cluster");
        if (!startup.IsReady) unmet.Add("definitions not loaded or silo stopping");
        if (!keys.IsLoaded) unmet.Add("signing keys not loaded");
        return Task.FromResult(unmet.Count == 0
            ? HealthCheckResult.Healthy("silo active, definitions and signing keys loaded")
            : HealthCheckResult.Unhealthy(string.Join("; ", unmet)));
    }
}
