using HdrHistogram;
using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Recent;

/// <summary>
/// The cluster's recent token operations, per minute and series, as silos add them; summarised over the last
/// <see cref="IRecentExchangesGrain.Window"/>. Minutes older than the window are dropped as slices arrive,
/// so it holds at most (window in minutes + 1) x series entries.
/// </summary>
public sealed class RecentExchangeWindow(TimeProvider time)
{
    private static readonly TimeSpan SiloReportsFor = TimeSpan.FromSeconds(30);

    private readonly Dictionary<(long Minute, string Operation, string ClientId, string Handler), Cell> cells = [];
    private readonly Dictionary<string, DateTimeOffset> silos = new(StringComparer.Ordinal);

    public static long MinuteOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / 60;

    public void Add(string silo, IEnumerable<RecentExchangeSlice> slices)
    {
        var now = time.GetUtcNow();
        silos[silo] = now;
        var oldest = OldestMinute(now);
        foreach (var slice in slices.Where(s => s.Minute >= oldest))
        {
            var key = (slice.Minute, slice.Operation, slice.ClientId, slice.Handler);
            if (!cells.TryGetValue(key, out var cell)) cells[key] = cell = new Cell();
            foreach (var (outcome, count) in slice.Outcomes) cell.Outcomes[outcome] = cell.Outcomes.GetValueOrDefault(outcome) + count;
            cell.Latency.Add(LatencyHistograms.Decode(slice.Latency));
        }
        foreach (var stale in cells.Keys.Where(k => k.Minute < oldest).ToList()) cells.Remove(stale);
        foreach (var gone in silos.Where(s => now - s.Value > SiloReportsFor).Select(s => s.Key).ToList()) silos.Remove(gone);
    }

    public RecentExchangeSummary Summarize()
    {
        var now = time.GetUtcNow();
        var oldest = OldestMinute(now);
        var rows = cells.Where(c => c.Key.Minute >= oldest)
            .GroupBy(c => (c.Key.Operation, c.Key.ClientId, c.Key.Handler))
            .Select(series =>
            {
                var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
                var latency = LatencyHistograms.Create();
                foreach (var (_, cell) in series)
                {
                    foreach (var (outcome, count) in cell.Outcomes) outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
                    latency.Add(cell.Latency);
                }
                return new RecentExchangeRow(series.Key.Operation, series.Key.ClientId, series.Key.Handler, outcomes,
                    LatencyHistograms.Milliseconds(latency, 50), LatencyHistograms.Milliseconds(latency, 99));
            })
            .OrderBy(r => r.Operation, StringComparer.Ordinal).ThenBy(r => r.ClientId, StringComparer.Ordinal).ThenBy(r => r.Handler, StringComparer.Ordinal)
            .ToArray();
        var reporting = silos.Where(s => now - s.Value <= SiloReportsFor).Select(s => s.Key).Order(StringComparer.Ordinal).ToArray();
        return new RecentExchangeSummary(DateTimeOffset.FromUnixTimeSeconds(oldest * 60), rows, reporting);
    }

    /// <summary>The window counts whole minutes: the current one and the ones before it, back to the window's length.</summary>
    private static long OldestMinute(DateTimeOffset now) => MinuteOf(now) - (long)IRecentExchangesGrain.Window.TotalMinutes + 1;

    private sealed class Cell
    {
        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
        public HistogramBase Latency { get; } = LatencyHistograms.Create();
    }
}
