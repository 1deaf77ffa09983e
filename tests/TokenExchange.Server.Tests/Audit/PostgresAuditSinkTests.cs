using Microsoft.Extensions.Logging.Abstractions;
using TokenExchange.Server.Audit;
using TokenExchange.Silo.Events;
using TokenExchange.Storage;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Audit;

/// <summary>The audit table's sink never makes a request wait: a full queue drops and counts.</summary>
public sealed class PostgresAuditSinkTests
{
    private static TokenEvent Event(int i) =>
        new(TokenOperation.Exchange, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), "orders-service", "partner", null, null, $"u-{i}", 0x0123456789abcdefUL, "127.0.0.1", "silo");

    [Fact]
    public async Task A_full_queue_drops_and_counts_without_blocking_while_the_table_is_stuck()
    {
        var firstWrite = new TaskCompletionSource<IReadOnlyList<AuditRow>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rows = new List<AuditRow>();
        async Task Write(IReadOnlyList<AuditRow> batch, CancellationToken cancellationToken)
        {
            firstWrite.TrySetResult([.. batch]);
            await release.Task.WaitAsync(cancellationToken);
            lock (rows) rows.AddRange(batch);
        }
        var sink = new PostgresAuditSink(Write, NullLogger<PostgresAuditSink>.Instance, metrics: null, capacity: 10);
        await sink.StartAsync(CancellationToken.None);

        sink.Record(Event(0));
        Assert.Single(await firstWrite.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        // The writer is stuck in its first batch: ten events fill the queue, ninety more are dropped, and every
        // Record returned at once (it is synchronous; were it to wait, this loop would never end).
        for (var i = 1; i <= 100; i++) sink.Record(Event(i));

        Assert.Equal(90, sink.Dropped);
        release.SetResult();
        await sink.StopAsync(CancellationToken.None);
        Assert.Equal(11, sink.Written);
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"u-{i}"), rows.Select(r => r.UserId));
    }

    [Fact]
    public async Task A_failed_write_drops_that_batch_and_the_sink_goes_on()
    {
        var calls = 0;
        var written = new TaskCompletionSource<IReadOnlyList<AuditRow>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Write(IReadOnlyList<AuditRow> batch, CancellationToken _)
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("the table is not there");
            written.TrySetResult([.. batch]);
            return Task.CompletedTask;
        }
        var sink = new PostgresAuditSink(Write, NullLogger<PostgresAuditSink>.Instance, metrics: null);
        await sink.StartAsync(CancellationToken.None);

        sink.Record(Event(1));
        await Poll.UntilAsync(() => sink.Dropped > 0, TimeSpan.FromSeconds(10), "the failed write to be counted as dropped", step: TimeSpan.FromMilliseconds(10));
        sink.Record(Event(2));

        Assert.Equal("u-2", Assert.Single(await written.Task.WaitAsync(TimeSpan.FromSeconds(10))).UserId);
        await sink.StopAsync(CancellationToken.None);
        Assert.Equal(1, sink.Dropped);
    }
}
