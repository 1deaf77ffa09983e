using System.Diagnostics.Metrics;

namespace TokenExchange.Core.Tests;

/// <summary>
/// An <see cref="IMeterFactory"/> of the test's own: its meters carry it as their scope, so a
/// MetricCollector scoped to it sees this test's measurements and no other test's.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
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
