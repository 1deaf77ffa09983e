using HdrHistogram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Recent;

namespace TokenExchange.Silo.Recent;

/// <summary>
/// Every <see cref="Interval"/>, drains this silo's <see cref="RecentExchangeSink"/> and adds it to the cluster's
/// <see cref="IRecentExchangesGrain"/>. What could not be sent is kept and sent with the next report (minutes
/// older than the window are dropped), so a grain moving between silos loses nothing that matters.
/// </summary>
public sealed class RecentExchangeReporter(
    RecentExchangeSink sink, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time, ILogger<RecentExchangeReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<(long Minute, RecentExchangeSink.SeriesKey Key), Pending> pending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await ReportAsync();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One drain and one report; public for tests that do not wait for the timer.</summary>
    public async Task ReportAsync()
    {
        var minute = RecentExchangeWindow.MinuteOf(time.GetUtcNow());
        foreach (var drained in sink.Drain())
        {
            if (!pending.TryGetValue((minute, drained.Key), out var entry)) pending[(minute, drained.Key)] = entry = new Pending();
            foreach (var (outcome, count) in drained.Outcomes) entry.Outcomes[outcome] = entry.Outcomes.GetValueOrDefault(outcome) + count;
            entry.Latency.Add(drained.Latency);
        }
        var oldest = minute - (long)IRecentExchangesGrain.Window.TotalMinutes;
        foreach (var stale in pending.Keys.Where(k => k.Minute < oldest).ToList()) pending.Remove(stale);

        var slices = pending.Select(p => new RecentExchangeSlice(p.Key.Minute, p.Key.Key.Operation.ToString().ToLowerInvariant(), p.Key.Key.ClientId,
            p.Key.Key.Handler, p.Value.Outcomes, LatencyHistograms.Encode(p.Value.Latency))).ToArray();
        try
        {
            // An empty report still tells the grain this silo is alive and reporting.
            await grains.GetGrain<IRecentExchangesGrain>(IRecentExchangesGrain.Key).Add(silo.SiloAddress.ToString(), slices);
            pending.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Recent exchanges not reported this time; kept for the next report");
        }
    }

    private sealed class Pending
    {
        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
        public HistogramBase Latency { get; } = LatencyHistograms.Create();
    }
}
