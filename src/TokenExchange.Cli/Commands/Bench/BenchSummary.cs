using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// The result of a run, as <c>--json</c> writes it. The field names are a contract: the benchmark
/// runner parses them. <see cref="Requests"/> = <see cref="Succeeded"/> + <see cref="Failed"/>; dropped
/// arrivals (open model) were never sent and are in neither.
/// </summary>
public sealed record BenchSummary
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string Target { get; init; }

    /// <summary>"closed" (fixed concurrency) or "open" (fixed arrival rate).</summary>
    public required string Model { get; init; }

    public int? Concurrency { get; init; }
    public double? Rate { get; init; }
    public double DurationSeconds { get; init; }
    public long Requests { get; init; }
    public long Succeeded { get; init; }
    public long Failed { get; init; }

    /// <summary>Successful exchanges per second.</summary>
    public double Throughput { get; init; }

    public required LatencySummary LatencyMs { get; init; }

    /// <summary>OAuth errors the server answered with, by code.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Failures to reach the server or get an answer, by kind; counted in <see cref="Failed"/> too.</summary>
    public required IReadOnlyDictionary<string, long> TransportErrors { get; init; }

    public long Dropped { get; init; }

    /// <summary>Seconds each timeline point covers (<c>--interval</c>; 1 unless asked otherwise).</summary>
    public double TimelineIntervalSeconds { get; init; } = 1;

    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    public static BenchSummary From(BenchRecorder recorder, string target, int? concurrency, double? rate, TimeSpan? interval = null)
    {
        var seconds = recorder.ElapsedSeconds;
        return new BenchSummary
        {
            Target = target,
            Model = rate is null ? "closed" : "open",
            Concurrency = concurrency,
            Rate = rate,
            DurationSeconds = Math.Round(seconds, 3),
            Requests = recorder.Succeeded + recorder.Failed,
            Succeeded = recorder.Succeeded,
            Failed = recorder.Failed,
            Throughput = seconds > 0 ? Math.Round(recorder.Succeeded / seconds, 1) : 0,
            LatencyMs = LatencySummary.From(recorder.Total),
            Errors = new SortedDictionary<string, long>(recorder.Errors.ToDictionary(), StringComparer.Ordinal),
            TransportErrors = new SortedDictionary<string, long>(recorder.TransportErrors.ToDictionary(), StringComparer.Ordinal),
            Dropped = recorder.Dropped,
            TimelineIntervalSeconds = (interval ?? TimeSpan.FromSeconds(1)).TotalSeconds,
            Timeline = [.. recorder.Timeline],
        };
    }

    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json), cancellationToken);
}

/// <summary>Latency percentiles of the successful exchanges, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, [property: JsonPropertyName("p999")] double P999, double Max, double Mean)
{
    public static LatencySummary From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            At(histogram, 50), At(histogram, 90), At(histogram, 99), At(histogram, 99.9),
            BenchRecorder.Milliseconds(histogram.GetMaxValue()), Math.Round(histogram.GetMean() / 1000.0, 3));

    private static double At(HistogramBase histogram, double percentile) => BenchRecorder.Milliseconds(histogram.GetValueAtPercentile(percentile));
}
