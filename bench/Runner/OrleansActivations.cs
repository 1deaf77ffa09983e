using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Bench.Runner;

/// <summary>
/// The activations a silo holds, by grain type, read from another process as dotnet-counters does: Orleans'
/// observable gauge <c>orleans-catalog-activations</c> (meter Microsoft.Orleans, one series per grain_type tag)
/// through the runtime's System.Diagnostics.Metrics event source over EventPipe. Read next to the GC heap, it
/// says how many subjects' grains the heap holds at that moment.
/// </summary>
public static class OrleansActivations
{
    private const string MetricsSource = "System.Diagnostics.Metrics";
    private const string Instrument = "orleans-catalog-activations";

    public static IReadOnlyDictionary<string, long> ByGrainType(int pid, TimeSpan timeout)
    {
        var session = Guid.NewGuid().ToString("N");
        var arguments = new Dictionary<string, string>
        {
            ["SessionId"] = session,
            ["Metrics"] = $"Microsoft.Orleans\\{Instrument}",
            ["RefreshInterval"] = "1",
            ["MaxTimeSeries"] = "1000",
            ["MaxHistograms"] = "10",
        };
        // Keyword 0x2: TimeSeriesValues, the published values.
        var client = new DiagnosticsClient(pid);
        using var pipe = client.StartEventPipeSession([new EventPipeProvider(MetricsSource, EventLevel.Informational, 0x2, arguments)], requestRundown: false);
        using var source = new EventPipeEventSource(pipe.EventStream);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var stopped = false;
        var gate = new Lock();
        source.Dynamic.All += e =>
        {
            if (e.ProviderName != MetricsSource || e.EventName != "GaugeValuePublished") return;
            if ((string)e.PayloadByName("sessionId") != session || (string)e.PayloadByName("instrumentName") != Instrument) return;
            var type = GrainType((string)e.PayloadByName("tags"));
            var value = double.TryParse((string)e.PayloadByName("lastValue"), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (long)v : 0;
            lock (gate)
            {
                // A series seen again starts the next round: the first round was complete.
                if (counts.TryAdd(type, value) || stopped) return;
                stopped = true;
                pipe.Stop();
            }
        };
        var processing = Task.Run(source.Process);
        if (!processing.Wait(timeout))
        {
            lock (gate)
            {
                if (!stopped) pipe.Stop();
                stopped = true;
            }
        }
        lock (gate)
        {
            return counts.Count > 0 ? new Dictionary<string, long>(counts, StringComparer.Ordinal)
                : throw new TimeoutException($"no {Instrument} values from process {pid} within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>The grain_type tag of a series ("grain_type=sessions,..."), or "(untagged)".</summary>
    private static string GrainType(string tags)
    {
        foreach (var tag in tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (tag.StartsWith("grain_type=", StringComparison.Ordinal)) return tag["grain_type=".Length..];
        return tags.Length > 0 ? tags : "(untagged)";
    }
}
