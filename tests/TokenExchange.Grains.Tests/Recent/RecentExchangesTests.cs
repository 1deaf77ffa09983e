using Microsoft.Extensions.Time.Testing;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Grains.Recent;
using TokenExchange.Silo;
using TokenExchange.Silo.Events;
using TokenExchange.Silo.Recent;

namespace TokenExchange.Grains.Tests.Recent;

public class RecentExchangesTests
{
    private static readonly DefinitionSnapshot Definitions = new(1,
        [new AppDefinition { ClientId = "orders-service" }, new AppDefinition { ClientId = "billing-service" }],
        [new HandlerDefinition { Name = "partner-idp" }]);

    private static TokenEvent Exchange(string? clientId, string? handler, string? error, double milliseconds) =>
        new(TokenOperation.Exchange, DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(milliseconds), clientId, handler, error, null, null, null, null);

    [Fact]
    public void The_sink_counts_outcomes_per_app_and_handler_and_drains_each_event_once()
    {
        var sink = new RecentExchangeSink(new FixedDefinitionSource(Definitions));
        sink.Record(Exchange("orders-service", "partner-idp", null, 2));
        sink.Record(Exchange("orders-service", "partner-idp", null, 3));
        sink.Record(Exchange("orders-service", "partner-idp", "unauthorized_client", 1));
        sink.Record(Exchange("made-up-client-42", null, "invalid_client", 1));
        sink.Record(Exchange("made-up-client-43", "no-such-handler", "invalid_client", 1));
        sink.Record(new TokenEvent(TokenOperation.Introspect, DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(1), "orders-service", null, null, null, null, null, null));

        var drained = sink.Drain().ToDictionary(d => d.Key);

        Assert.Equal(2, drained.Count);
        var orders = drained[new(TokenOperation.Exchange, "orders-service", "partner-idp")];
        Assert.Equal(new Dictionary<string, long> { ["ok"] = 2, ["unauthorized_client"] = 1 }, orders.Outcomes);
        Assert.Equal(3, orders.Latency.TotalCount);
        // Caller-chosen client ids and handler names never become series of their own.
        var unknown = drained[new(TokenOperation.Exchange, RecentExchangeSink.UnknownApp, "")];
        Assert.Equal(2, unknown.Outcomes["invalid_client"]);
        Assert.Empty(sink.Drain());
    }

    [Fact]
    public void The_sink_holds_a_bounded_number_of_series()
    {
        var apps = Enumerable.Range(0, RecentExchangeSink.MaxSeries + 10).Select(i => new AppDefinition { ClientId = $"app-{i}" }).ToList();
        var sink = new RecentExchangeSink(new FixedDefinitionSource(new DefinitionSnapshot(1, apps, [])));
        foreach (var app in apps) sink.Record(Exchange(app.ClientId, null, null, 1));

        var drained = sink.Drain();

        Assert.Equal(RecentExchangeSink.MaxSeries + 1, drained.Count);
        Assert.Equal(10, drained.Single(d => d.Key.ClientId == RecentExchangeSink.Overflow).Outcomes["ok"]);
    }

    [Fact]
    public void The_window_merges_silos_and_minutes_and_forgets_what_is_older_than_five_minutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:30Z"));
        var window = new RecentExchangeWindow(time);
        var minute = RecentExchangeWindow.MinuteOf(time.GetUtcNow());

        window.Add("silo-a", [Slice(minute - 1, ok: 60, errors: 0, fastMs: 1, count: 60)]);
        window.Add("silo-b", [Slice(minute, ok: 38, errors: 2, fastMs: 1, count: 38, slowMs: 100, slow: 2)]);
        var summary = window.Summarize();

        var row = Assert.Single(summary.Rows);
        Assert.Equal(("exchange", "orders-service", "partner-idp"), (row.Operation, row.ClientId, row.Handler));
        Assert.Equal(100, row.Total);
        Assert.Equal(2, row.Outcomes["unauthorized_client"]);
        Assert.Equal(1, row.P50Milliseconds, 0.05);
        Assert.Equal(100, row.P99Milliseconds, 1.5);
        Assert.Equal(["silo-a", "silo-b"], summary.ReportingSilos);

        // Four minutes on, the older minute has left the window; a silo that stopped reporting is no longer listed.
        time.Advance(TimeSpan.FromMinutes(4));
        window.Add("silo-a", []);
        var later = window.Summarize();
        Assert.Equal(40, Assert.Single(later.Rows).Total);
        Assert.Equal(["silo-a"], later.ReportingSilos);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(window.Summarize().Rows);
    }

    private static RecentExchangeSlice Slice(long minute, int ok, int errors, double fastMs, int count, double slowMs = 0, int slow = 0)
    {
        var latency = LatencyHistograms.Create();
        latency.RecordValueWithCount(LatencyHistograms.Microseconds(TimeSpan.FromMilliseconds(fastMs)), count);
        if (slow > 0) latency.RecordValueWithCount(LatencyHistograms.Microseconds(TimeSpan.FromMilliseconds(slowMs)), slow);
        var outcomes = new Dictionary<string, long> { ["ok"] = ok };
        if (errors > 0) outcomes["unauthorized_client"] = errors;
        return new RecentExchangeSlice(minute, "exchange", "orders-service", "partner-idp", outcomes, LatencyHistograms.Encode(latency));
    }
}
