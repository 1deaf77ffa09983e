using System.Globalization;

namespace Bench.Runner;

/// <summary>
/// Where a load's latency is spent inside the server, from the duration histograms it exports on /metrics, read before
/// and after the load: the exchange pipeline (<c>tokenexchange.operation.duration</c> of exchanges: from the parsed
/// request to its answer, grain calls included) and the whole request in ASP.NET Core's hosting
/// (<c>http.server.request.duration</c> of the exchange's route: from its headers read to its response written). What
/// the load generator measures beyond the hosting figure is the connection, the client and the machine they share.
/// A quantile is the upper bound of the histogram bucket it falls in (the server's buckets, 0.1 ms up), so it reads
/// "at most"; above the last finite bucket it is infinite.
/// </summary>
public static class ServerLatency
{
    private const string Pipeline = "tokenexchange_operation_duration_seconds_bucket";
    private const string Hosting = "http_server_request_duration_seconds_bucket";

    /// <summary>The cumulative bucket counts (by upper bound in seconds) of both histograms at one moment.</summary>
    public sealed record Snapshot(IReadOnlyDictionary<double, long> Pipeline, IReadOnlyDictionary<double, long> Hosting);

    /// <param name="route">The exchange's route as hosting labels it (a gRPC method's path, or the token endpoint's).</param>
    public static async Task<Snapshot> ReadAsync(ServerProcess server, string route, CancellationToken cancellationToken)
    {
        var text = await ServerCounters.ScrapeAsync(server, cancellationToken);
        return new Snapshot(
            Buckets(text, Pipeline, "operation=\"exchange\""),
            Buckets(text, Hosting, $"http_route=\"{route}\""));
    }

    /// <summary>The upper bound, in milliseconds, of the bucket holding the <paramref name="quantile"/> of what was recorded between the two snapshots; null when nothing was.</summary>
    public static double? Quantile(IReadOnlyDictionary<double, long> before, IReadOnlyDictionary<double, long> after, double quantile)
    {
        var counts = after.OrderBy(b => b.Key).Select(b => (Bound: b.Key, Count: b.Value - before.GetValueOrDefault(b.Key))).ToList();
        if (counts.Count == 0 || counts[^1].Count <= 0) return null;
        var wanted = quantile * counts[^1].Count;
        var bound = counts.First(b => b.Count >= wanted).Bound;
        return double.IsPositiveInfinity(bound) ? bound : bound * 1000;
    }

    /// <summary>One histogram's buckets, summed over its series whose labels hold <paramref name="label"/> (apps, handlers, outcomes, status codes).</summary>
    private static Dictionary<double, long> Buckets(string text, string metric, string label)
    {
        var buckets = new Dictionary<double, long>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) || line.IndexOf(label, StringComparison.Ordinal) < 0) continue;
            var close = line.LastIndexOf('}');
            var labels = line[..close];
            var le = labels.IndexOf("le=\"", StringComparison.Ordinal);
            if (le < 0) continue;
            var boundText = labels[(le + 4)..];
            boundText = boundText[..boundText.IndexOf('"')];
            var bound = boundText.SequenceEqual("+Inf") ? double.PositiveInfinity : double.Parse(boundText, NumberStyles.Float, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + (long)ServerCounters.SampleValue(line, close + 1);
        }
        return buckets;
    }
}
