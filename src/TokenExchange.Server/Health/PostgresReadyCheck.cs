using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenExchange.Storage;

namespace TokenExchange.Server.Health;

/// <summary>Ready only while PostgreSQL answers (a round trip within two seconds).</summary>
public sealed class PostgresReadyCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var connection = await PostgresConnections.OpenAsync(connectionString, timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("PostgreSQL reachable");
        }
        catch (Exception e) when (e is StorageUnavailableException or OperationCanceledException or Npgsql.NpgsqlException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL unreachable");
        }
    }
}
