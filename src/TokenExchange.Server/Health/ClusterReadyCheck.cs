using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Grains.Keys;
using TokenExchange.Silo;

namespace TokenExchange.Server.Health;

/// <summary>
/// Ready when this silo is active in the cluster's membership, has loaded the definitions
/// (<see cref="ClusterStartup"/> has run and the silo is not stopping) and holds the signing keys; until
/// then a load balancer must not send it exchanges, nor once it was told to stop (<see cref="Hosting.GracefulLeave"/>).
/// The description names every condition not met.
/// </summary>
public sealed class ClusterReadyCheck(ClusterStartup startup, SigningKeyCache keys, IClusterMembershipService membership, ILocalSiloDetails silo, Hosting.GracefulLeave leave) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unmet = new List<string>(4);
        if (leave.IsLeaving) unmet.Add("silo stopping (draining before it leaves the cluster)");
        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active) unmet.Add("silo not active in the cluster");
        if (!startup.IsReady) unmet.Add("definitions not loaded or silo stopping");
        if (!keys.IsLoaded) unmet.Add("signing keys not loaded");
        return Task.FromResult(unmet.Count == 0
            ? HealthCheckResult.Healthy("silo active, definitions and signing keys loaded")
            : HealthCheckResult.Unhealthy(string.Join("; ", unmet)));
    }
}
