using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Silo.Events;

namespace TokenExchange.Grains.Tests.Silo.Events;

/// <summary>In a running cluster every event names the silo that answered.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloNamedEventsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Each_silos_events_carry_that_silos_address()
    {
        var seen = new List<string?>();
        foreach (var silo in new[] { 0, 1 })
        {
            var sink = cluster.Silos[silo].GetServices<ITokenEventSink>().OfType<CapturingSink>().Single();
            sink.Clear();
            await cluster.ExchangeAsync(silo, TestDefinitions.Request(TestDefinitions.Orders, TestDefinitions.Unique("silo")));
            seen.Add(Assert.Single(sink.Events).Silo);
        }

        Assert.Equal(cluster.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()), seen);
    }
}

/// <summary>Registered on every test silo: the events that silo recorded.</summary>
public sealed class CapturingSink : ITokenEventSink
{
    private readonly List<TokenEvent> events = [];

    public IReadOnlyList<TokenEvent> Events
    {
        get { lock (events) return [.. events]; }
    }

    public void Clear()
    {
        lock (events) events.Clear();
    }

    public void Record(TokenEvent tokenEvent)
    {
        lock (events) events.Add(tokenEvent);
    }
}
