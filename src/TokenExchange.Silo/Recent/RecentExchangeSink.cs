using System.Collections.Concurrent;
using HdrHistogram;
using TokenExchange.Grains.Recent;
using TokenExchange.Silo.Events;

namespace TokenExchange.Silo.Recent;

/// <summary>
/// This silo's token operations since they were last drained, per series (operation, app, handler): a count per
/// outcome and a latency histogram. Recording is wait-free after a series exists. Bounded: an app the cluster
/// does not know (a caller's made-up client_id) is counted as <see cref="UnknownApp"/>, and past
/// <see cref="MaxSeries"/> series new ones go to <see cref="Overflow"/>. <paramref name="definitions"/> is this silo's
/// definition cache, read on every event (a volatile read).
/// </summary>
public sealed class RecentExchangeSink(IDefinitionSource definitions) : ITokenEventSink
{
    public const int MaxSeries = 256;
    public const string Ok = "ok";
    public const string UnknownApp = "(unknown app)";
    public const string Overflow = "(other)";

    private readonly ConcurrentDictionary<SeriesKey, Series> series = new();

    public void Record(TokenEvent e)
    {
        if (e.Operation is not (TokenOperation.Exchange or TokenOperation.Refresh)) return;
        var snapshot = definitions.Snapshot;
        var clientId = e.ClientId is { } id && snapshot.Apps.ContainsKey(id) ? id : UnknownApp;
        var handler = e.Handler is { } name && snapshot.Handlers.ContainsKey(name) ? name : "";
        var key = new SeriesKey(e.Operation, clientId, handler);
        if (!series.TryGetValue(key, out var target))
        {
            if (series.Count >= MaxSeries) key = new SeriesKey(e.Operation, Overflow, "");
            target = series.GetOrAdd(key, _ => new Series());
        }
        target.Record(e.ErrorCode ?? Ok, LatencyHistograms.Microseconds(e.Elapsed));
    }

    /// <summary>Everything recorded since the last drain; series with nothing new are left out, and forgotten when idle.</summary>
    public IReadOnlyList<DrainedSeries> Drain()
    {
        var drained = new List<DrainedSeries>();
        foreach (var (key, value) in series)
        {
            var outcomes = value.TakeOutcomes();
            var latency = value.Latency.GetIntervalHistogram();
            if (outcomes.Count == 0 && latency.TotalCount == 0)
            {
                // Idle series are dropped so that apps deleted long ago stop taking a place. An event racing with
                // the removal is lost from the live view (never from the audit log or metrics).
                if (++value.IdleDrains > IdleDrainsBeforeRemoval) series.TryRemove(key, out _);
                continue;
            }
            value.IdleDrains = 0;
            drained.Add(new DrainedSeries(key, outcomes, latency));
        }
        return drained;
    }

    private const int IdleDrainsBeforeRemoval = 300;

    public readonly record struct SeriesKey(TokenOperation Operation, string ClientId, string Handler);

    public sealed record DrainedSeries(SeriesKey Key, Dictionary<string, long> Outcomes, HistogramBase Latency);

    private sealed class Series
    {
        // A handful of outcomes at most (ok and the OAuth error codes): a box each, incremented in place.
        private readonly ConcurrentDictionary<string, StrongBox> outcomes = new(StringComparer.Ordinal);

        public Recorder Latency { get; } = LatencyHistograms.CreateRecorder();
        public int IdleDrains { get; set; }

        public void Record(string outcome, long microseconds)
        {
            Interlocked.Increment(ref outcomes.GetOrAdd(outcome, _ => new StrongBox()).Value);
            Latency.RecordValue(microseconds);
        }

        public Dictionary<string, long> TakeOutcomes()
        {
            var taken = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (outcome, box) in outcomes)
            {
                var count = Interlocked.Exchange(ref box.Value, 0);
                if (count > 0) taken[outcome] = count;
            }
            return taken;
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
