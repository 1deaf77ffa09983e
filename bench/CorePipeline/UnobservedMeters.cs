using System.Diagnostics.Metrics;

namespace Bench.CorePipeline;

/// <summary>
/// The meter factory a host would give Core; nothing listens to its meters here, so the pipeline's
/// instruments are disabled and the figures are the exchange's own, without metric recording.
/// </summary>
public sealed class UnobservedMeters : IMeterFactory
{
    private readonly Dictionary<string, Meter> meters = new(StringComparer.Ordinal);

    public Meter Create(MeterOptions options)
    {
        lock (meters)
        {
            if (!meters.TryGetValue(options.Name, out var meter)) meters[options.Name] = meter = new Meter(options.Name, options.Version, options.Tags, this);
            return meter;
        }
    }

    public void Dispose()
    {
        lock (meters)
        {
            foreach (var meter in meters.Values) meter.Dispose();
            meters.Clear();
        }
    }
}
