using System.Diagnostics;
using Bench.Runner.Cases;

namespace Bench.Runner;

/// <summary>
/// Managed bytes the server allocated per exchange (issue 15, "less work per exchange"): the runtime's count
/// of bytes ever allocated (<c>dotnet.gc.heap.total_allocated</c>, which the server's OpenTelemetry runtime
/// instrumentation exports on /metrics) read before and after a load run, less the server's idle allocation
/// rate for the seconds the load generator spends starting, divided by the exchanges.
/// </summary>
public static class ServerAllocations
{
    public const string PerWarmExchange = "server bytes allocated per exchange";
    public const string PerFirstExchange = "server bytes allocated per new subject's first exchange";

    /// <summary>The Prometheus name of System.Runtime's dotnet.gc.heap.total_allocated (unit By, a counter).</summary>
    private const string Metric = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>A reading of the server's allocation counter, with when it was taken.</summary>
    public sealed record Reading(double Bytes, long Timestamp);

    public static async Task<Reading> ReadAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var bytes = await ServerCounters.ReadAsync(server, Metric, cancellationToken);
        return new Reading(bytes, Stopwatch.GetTimestamp());
    }

    /// <summary>Bytes per second the server allocates with no load (timers, membership, the metrics scrape itself).</summary>
    public static double IdleRate(Reading before, Reading after) =>
        (after.Bytes - before.Bytes) / Math.Max(1e-3, Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds);

    /// <summary>Bytes per exchange over a load run that began after <paramref name="before"/>; the idle rate is subtracted for the time outside the generator's window.</summary>
    public static async Task<double> PerExchangeAsync(ServerProcess server, Reading before, LoadSummary load, double idleRate, CancellationToken cancellationToken)
    {
        var after = await ReadAsync(server, cancellationToken);
        var outside = Math.Max(0, Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds - load.DurationSeconds);
        return load.Requests > 0 ? (after.Bytes - before.Bytes - idleRate * outside) / load.Requests : double.NaN;
    }

    /// <summary>
    /// A short phase of subjects the server has not seen, each exchanged once (gRPC unary): the load generator
    /// numbers its subjects from 0, so each run asks for <paramref name="fresh"/> more subjects than the server
    /// knows and sends each once; the exchanges of already-known subjects are subtracted at the warm figure.
    /// </summary>
    /// <param name="sameTokens">txctl options naming the case's token file: the known subjects present the tokens the server verified before, so they are subtracted at the warm price they cost.</param>
    public static async Task FirstExchangesAsync(RunContext context, ServerProcess server, CaseResult result, double idleRate, int fresh, IReadOnlyList<string> sameTokens, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var known = options.Subjects;
        var endpoint = new Endpoint("grpc", server.Grpc!);
        await context.RepeatAsync(result, async run =>
        {
            var warm = result.Median(PerWarmExchange) ?? throw new CaseFailedException("no warm allocation figure to subtract");
            var subjects = known + fresh;
            context.Progress($"{result.Name}, run {run}: first exchanges of {fresh:N0} new subjects");
            var before = await ReadAsync(server, cancellationToken);
            var load = await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Count = subjects, Subjects = subjects, Arguments = sameTokens },
                "embedded-first-exchanges", context.Workspace.Config.HandlerName, cancellationToken);
            known = subjects;
            if (load.Failed > 0) throw new CaseFailedException($"first exchanges: {load.Failed} of {load.Requests} failed: {load.ErrorText}");
            var total = await PerExchangeAsync(server, before, load, idleRate, cancellationToken) * load.Requests;
            result.Add(PerFirstExchange, "B", (total - warm * (load.Requests - fresh)) / fresh);
        }, cancellationToken);
    }
}
