using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenExchange.Server.Warmup;

/// <summary>Not ready while the exchange path is warming up (<see cref="ExchangeWarmup"/>).</summary>
public sealed class WarmupReadyCheck(ExchangeWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.IsDone
            ? HealthCheckResult.Healthy("exchange path warmed up")
            : HealthCheckResult.Unhealthy("exchange path warming up"));
}
