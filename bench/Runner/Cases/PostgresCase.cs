using System.Security.Cryptography;

namespace Bench.Runner.Cases;

/// <summary>
/// The cluster on PostgreSQL with two silos on this machine, load spread over both: one load generator
/// per silo over gRPC unary, each with half the concurrency. Throughput is the sum; CPU per exchange is
/// both silos' CPU over all exchanges.
/// </summary>
public static class PostgresCase
{
    public const string Name = "cluster on PostgreSQL, 2 silos, gRPC unary";

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var result = new CaseResult(Name, $"{options.Subjects:N0} subjects; two load generators at concurrency {options.Concurrency / 2} each, one per silo");
        if (options.Postgres is not { } connection)
        {
            result.Failures.Add("no PostgreSQL: set BENCH_POSTGRES or let bench/run.sh run scripts/postgres-setup.sh");
            return result;
        }
        // A cluster of its own in the shared database: fresh ids, so no stale membership rows from earlier runs.
        var clusterId = $"bench-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        string[] common =
        [
            "--postgres", connection, "--key-encryption-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            "--cluster-id", clusterId, "--service-id", clusterId, "--issuer", "https://bench-cluster.example", "--dev-issuer", "false",
            "--cluster-cert", ClusterCertificateFile.Write(context.Workspace.Directory),
        ];
        context.Progress($"{Name}: starting silo 1 (applies the schema)");
        using var first = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-postgres-1", [.. common, "--migrate", "true"], cancellationToken);
        context.Progress($"{Name}: starting silo 2");
        using var second = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-postgres-2", common, cancellationToken);
        ServerProcess[] silos = [first, second];
        var handler = context.Workspace.Config.HandlerName;
        var half = Math.Max(1, options.Concurrency / 2);
        (Endpoint, Load, string)[] Spread(Load load, string label) =>
            [.. silos.Select((s, i) => (new Endpoint("grpc", s.Grpc!), load, $"{label}-silo{i + 1}"))];

        await context.Measured.RunTogetherAsync(silos, 0,
            Spread(new Load { Concurrency = half, Count = options.Subjects, Subjects = options.Subjects }, "postgres-first-exchange"), handler, cancellationToken);
        var idle = await MeasuredLoad.IdleCpuRateAsync(silos, cancellationToken);
        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"{Name}, run {run}");
            await context.Measured.RunTogetherAsync(silos, idle, Spread(new Load { Concurrency = half, Duration = options.Warmup, Subjects = options.Subjects }, "postgres-warmup"), handler, cancellationToken);
            var (loads, cpu) = await context.Measured.RunTogetherAsync(silos, idle,
                Spread(new Load { Concurrency = half, Duration = options.Duration, Subjects = options.Subjects }, "postgres-saturation"), handler, cancellationToken);
            result.Add(Figures.Throughput, "exchanges/s", loads.Sum(l => l.Throughput));
            result.Add(Figures.ServerCpu, "µs", cpu);
            result.Add("latency p99 at saturation (worse silo)", "ms", loads.Max(l => l.P99));
            foreach (var load in loads.Where(l => l.Failed > 0)) result.Notes.Add($"run {run}: {load.Failed} of {load.Requests} failed: {load.ErrorText}");
        }, cancellationToken);
        return result;
    }
}
