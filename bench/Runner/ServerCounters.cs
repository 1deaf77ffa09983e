using System.Globalization;

namespace Bench.Runner;

/// <summary>A counter the server exports on /metrics (Prometheus text, OpenTelemetry's names), read by name.</summary>
public static class ServerCounters
{
    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<double> ReadAsync(ServerProcess server, string metric, CancellationToken cancellationToken)
    {
        var text = await ScrapeAsync(server, cancellationToken);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' ')) continue;
            return SampleValue(line, line.LastIndexOf('}') is >= 0 and var close ? close + 1 : metric.Length);
        }
        throw new CaseFailedException($"{server.Name}'s /metrics has no {metric}");
    }

    /// <summary>The server's /metrics text as it reads now.</summary>
    public static Task<string> ScrapeAsync(ServerProcess server, CancellationToken cancellationToken) =>
        Scraper.GetStringAsync(server.Http + "/metrics", cancellationToken);

    /// <summary>A sample line's value ("name{labels} value [timestamp]"): the field starting at <paramref name="afterLabels"/>.</summary>
    public static double SampleValue(ReadOnlySpan<char> line, int afterLabels)
    {
        var value = line[afterLabels..].Trim();
        var end = value.IndexOf(' ');
        return double.Parse(end < 0 ? value : value[..end], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
