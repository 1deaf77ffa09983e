using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// Counts and latencies of the measured part of a run. Latencies of successful exchanges go to an
/// HdrHistogram recorder (microseconds, 3 significant digits, wait-free for the recording threads);
/// once per timeline interval (a second unless <c>--interval</c> says otherwise) <see cref="Tick"/> takes the
/// interval's histogram and counts as one timeline point.
/// Failed exchanges are counted, by code, but their (often much shorter) latencies are left out.
/// </summary>
public sealed class BenchRecorder
{
    private const long MaxMicroseconds = 3_600_000_000; // an hour

    private readonly Recorder interval = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(MaxMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();
    private readonly HistogramBase total = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(MaxMicroseconds).WithPrecisionOf(3).Create();
    private readonly ConcurrentDictionary<string, long> errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> transportErrors = new(StringComparer.Ordinal);
    private readonly List<TimelinePoint> timeline = [];
    private HistogramBase? reusable;
    private long succeeded;
    private long failed;
    private long dropped;
    private long secondSucceeded;
    private long secondFailed;
    private long startedAt;
    private long lastTickAt;
    private long stoppedAt;
    private volatile bool recording;

    public long Succeeded => Interlocked.Read(ref succeeded);
    public long Failed => Interlocked.Read(ref failed);
    public long Dropped => Interlocked.Read(ref dropped);
    public IReadOnlyDictionary<string, long> Errors => errors;
    public IReadOnlyDictionary<string, long> TransportErrors => transportErrors;
    public IReadOnlyList<TimelinePoint> Timeline => timeline;
    public HistogramBase Total => total;

    /// <summary>Seconds measured: from <see cref="Start"/> to <see cref="Stop"/>.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(startedAt, stoppedAt == 0 ? Stopwatch.GetTimestamp() : stoppedAt).TotalSeconds;

    /// <summary>Ends the warm-up: what completes from now on counts.</summary>
    public void Start()
    {
        interval.Reset();
        startedAt = Stopwatch.GetTimestamp();
        lastTickAt = startedAt;
        recording = true;
    }

    public void Stop()
    {
        recording = false;
        stoppedAt = Stopwatch.GetTimestamp();
        Tick();
    }

    /// <summary>Records one exchange that started (or, in the open model, should have started) at <paramref name="startTimestamp"/>.</summary>
    public void Record(in ExchangeResult result, long startTimestamp)
    {
        if (!recording) return;
        if (result.Succeeded)
        {
            var micros = (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
            interval.RecordValue(Math.Clamp(micros, 1, MaxMicroseconds));
            Interlocked.Increment(ref succeeded);
            Interlocked.Increment(ref secondSucceeded);
            return;
        }
        (result.TransportFailure ? transportErrors : errors).AddOrUpdate(result.Code ?? "unknown", 1, static (_, n) => n + 1);
        Interlocked.Increment(ref failed);
        Interlocked.Increment(ref secondFailed);
    }

    /// <summary>An open-model arrival that found the outstanding cap full and was not sent.</summary>
    public void Drop()
    {
        if (recording) Interlocked.Increment(ref dropped);
    }

    /// <summary>Closes the current timeline interval (called once per interval by one caller, and by <see cref="Stop"/>).</summary>
    public void Tick()
    {
        lock (timeline)
        {
            var second = interval.GetIntervalHistogram(reusable);
            reusable = second;
            total.Add(second);
            var ok = Interlocked.Exchange(ref secondSucceeded, 0);
            var bad = Interlocked.Exchange(ref secondFailed, 0);
            var now = Stopwatch.GetTimestamp();
            var length = Stopwatch.GetElapsedTime(lastTickAt, now).TotalSeconds;
            lastTickAt = now;
            if (ok + bad == 0 && !recording) return; // nothing since the last tick of a finished run
            timeline.Add(new TimelinePoint(timeline.Count + 1, ok, bad, second.TotalCount == 0 ? 0 : Milliseconds(second.GetValueAtPercentile(99))) { Length = length });
        }
    }

    /// <summary>A snapshot of the run so far, for the live view.</summary>
    public (long Succeeded, long Failed, double P99Ms, double PerSecond) Progress()
    {
        lock (timeline)
        {
            var last = timeline.Count > 0 ? timeline[^1] : null;
            return (Succeeded, Failed, total.TotalCount == 0 ? 0 : Milliseconds(total.GetValueAtPercentile(99)), last is null ? 0 : last.Succeeded + last.Failed);
        }
    }

    public static double Milliseconds(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>
/// One interval of a run (a second unless <c>--interval</c> says otherwise; <see cref="Second"/> numbers the
/// intervals from 1): exchanges completed in it and the p99 latency of its successful ones.
/// </summary>
public sealed record TimelinePoint(int Second, long Succeeded, long Failed, double P99Ms)
{
    /// <summary>Seconds the point covers: about one interval, less for the run's last (partial) one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Length { get; init; } = 1;
}
