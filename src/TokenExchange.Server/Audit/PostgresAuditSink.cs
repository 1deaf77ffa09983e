using System.Threading.Channels;
using TokenExchange.Diagnostics;
using TokenExchange.Silo.Events;
using TokenExchange.Storage;

namespace TokenExchange.Server.Audit;

/// <summary>
/// Writes every <see cref="TokenEvent"/> to the PostgreSQL audit table (<c>--audit postgres</c>), off the
/// hot path: <see cref="Record"/> only offers the event to a bounded channel; one background loop takes
/// what has gathered (up to <see cref="MaxBatch"/> at a time) and writes it in one COPY. When the channel is
/// full (PostgreSQL slow or down) new events are dropped and counted (<see cref="Dropped"/>, metric
/// <c>tokenexchange.audit.dropped</c>): a request never waits for the audit table. A batch that fails to
/// write is dropped and counted too; the log sink still has every event.
/// </summary>
public sealed class PostgresAuditSink : ITokenEventSink, IHostedService
{
    public const int DefaultCapacity = 10_000;
    public const int MaxBatch = 1_000;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<TokenEvent> channel;
    private readonly Func<IReadOnlyList<AuditRow>, CancellationToken, Task> write;
    private readonly ILogger logger;
    private readonly TokenExchangeMetrics? metrics;
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;
    private long dropped;
    private long written;

    public PostgresAuditSink(Func<IReadOnlyList<AuditRow>, CancellationToken, Task> write, ILogger<PostgresAuditSink> logger, TokenExchangeMetrics? metrics, int capacity = DefaultCapacity)
    {
        this.write = write;
        this.logger = logger;
        // Wait mode makes TryWrite answer false when full, so a drop is seen and counted (DropWrite would hide it).
        channel = Channel.CreateBounded<TokenEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        this.metrics = metrics;
    }

    /// <summary>Events not written to the table: queue full, write failed, or arriving after shutdown.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public long Written => Interlocked.Read(ref written);

    public void Record(TokenEvent tokenEvent)
    {
        if (!channel.Writer.TryWrite(tokenEvent)) Drop(1);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        loop = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued, unless shutdown is cut short; later events are dropped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        channel.Writer.TryComplete();
        if (loop is null) return;
        await using var _ = cancellationToken.Register(stopping.Cancel);
        await loop.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AuditRow>(MaxBatch);
        var reader = channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var tokenEvent)) batch.Add(ToRow(tokenEvent));
                try
                {
                    await write(batch, stopping.Token).ConfigureAwait(false);
                    Interlocked.Add(ref written, batch.Count);
                    batch.Clear();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Drop(batch.Count);
                    logger.LogWarning("Audit table write failed; {Count} events dropped (they are in the audit log): {Error}", batch.Count, e.Message);
                    batch.Clear();
                    await Task.Delay(RetryDelay, stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            var left = 0;
            while (reader.TryRead(out _)) left++;
            Drop(left + batch.Count);
        }
    }

    private void Drop(int count)
    {
        if (count == 0) return;
        Interlocked.Add(ref dropped, count);
        metrics?.AuditDropped(count);
    }

    public static AuditRow ToRow(TokenEvent e) => new(
        e.Time, e.Operation.ToString().ToLowerInvariant(), e.Succeeded ? "ok" : "refused", e.ClientId, e.Handler, e.ErrorCode, e.Reason,
        e.UserId, e.TokenHash, e.ClientAddress, e.Silo, e.Actor, e.Detail, e.Elapsed.TotalMilliseconds);
}
