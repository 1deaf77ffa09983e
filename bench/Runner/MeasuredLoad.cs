using System.Diagnostics;

namespace Bench.Runner;

/// <summary>A load run with the servers' CPU time read around it, so CPU per exchange is the servers' alone.</summary>
public sealed record Measurement(LoadSummary Load, double ServerCpuMicrosPerExchange);

public sealed class MeasuredLoad(LoadGenerator generator)
{
    /// <summary>
    /// The servers' idle CPU rate (timers, membership, the GC), subtracted for the seconds the load generator
    /// spends starting and minting its subject tokens before the measured window opens.
    /// </summary>
    public static async Task<double> IdleCpuRateAsync(IReadOnlyList<ServerProcess> servers, CancellationToken cancellationToken)
    {
        var before = servers.Sum(s => s.CpuSeconds);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return (servers.Sum(s => s.CpuSeconds) - before) / clock.Elapsed.TotalSeconds;
    }

    public async Task<Measurement> RunAsync(IReadOnlyList<ServerProcess> servers, double idleCpuRate, Endpoint endpoint, Load load, string label, string? handler, CancellationToken cancellationToken)
    {
        var before = servers.Sum(s => s.CpuSeconds);
        var clock = Stopwatch.StartNew();
        var summary = await generator.RunAsync(endpoint, load, label, handler, cancellationToken);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = servers.Sum(s => s.CpuSeconds) - before - idleCpuRate * Math.Max(0, elapsed - summary.DurationSeconds);
        return new Measurement(summary, summary.Requests > 0 ? cpu / summary.Requests * 1e6 : double.NaN);
    }

    /// <summary>Several load generators at once (one per silo); their summaries and the servers' CPU per exchange over all.</summary>
    public async Task<(LoadSummary[] Loads, double ServerCpuMicrosPerExchange)> RunTogetherAsync(
        IReadOnlyList<ServerProcess> servers, double idleCpuRate, IReadOnlyList<(Endpoint Endpoint, Load Load, string Label)> runs, string? handler, CancellationToken cancellationToken)
    {
        var before = servers.Sum(s => s.CpuSeconds);
        var clock = Stopwatch.StartNew();
        var loads = await Task.WhenAll(runs.Select(r => generator.RunAsync(r.Endpoint, r.Load, r.Label, handler, cancellationToken)));
        var elapsed = clock.Elapsed.TotalSeconds;
        var requests = loads.Sum(l => l.Requests);
        var cpu = servers.Sum(s => s.CpuSeconds) - before - idleCpuRate * Math.Max(0, elapsed - loads.Max(l => l.DurationSeconds));
        return (loads, requests > 0 ? cpu / requests * 1e6 : double.NaN);
    }
}
