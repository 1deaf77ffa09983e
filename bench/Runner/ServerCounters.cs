using System.Globalization;

namespace Bench.Runner;

/// <summary>A counter the server exports on /metrics (Prometheus text, OpenTelemetry's names), read by name.</summary>
public static class ServerCounters
{
    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<double> ReadAsync(ServerProcess server, string metric, CancellationToken cancellationToken)
    {
        var text = await Scraper.GetStringAsync(server.Http + "/metrics", cancellationToken);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' ')) continue;
            // "name{labels} value [timestamp]": the value is the field after the labels.
            var afterLabels = line[(line.LastIndexOf('}') is >= 0 and var close ? close + 1 : metric.Length)..].Trim();
            var end = afterLabels.IndexOf(' ');
            return double.Parse(end < 0 ? afterLabels : afterLabels[..end], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        throw new CaseFailedException($"{server.Name}'s /metrics has no {metric}");
    }
}
