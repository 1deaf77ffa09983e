using System.Diagnostics;
using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>How long a phase of a run lasts: until a moment (<see cref="Until"/>, a Stopwatch timestamp) or for a number of requests.</summary>
public readonly record struct PhaseEnd(long? Until, long? Count)
{
    public static PhaseEnd After(TimeSpan duration) => new(Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency), null);
    public static PhaseEnd AfterRequests(long count) => new(null, count);
}

/// <summary>
/// Sends the prepared requests, in order and cycling, to a target. Closed model: a fixed number of
/// workers, each sending its next request when its last one is answered. Open model: requests arrive at
/// a fixed rate whatever the answers, each timed from the moment it was due (not from when it could be
/// sent), so a stalled server shows in the latencies instead of slowing the arrivals (no coordinated
/// omission); at most <c>maxOutstanding</c> are outstanding, arrivals beyond that are dropped and counted.
/// </summary>
public sealed class LoadGenerator(IExchangeTarget target, PreparedExchange[] requests, BenchRecorder recorder)
{
    private long sent;

    public async Task RunClosedAsync(int concurrency, PhaseEnd end, CancellationToken cancellationToken)
    {
        var firstOfPhase = Interlocked.Read(ref sent);
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++) workers[i] = Task.Run(() => WorkAsync(firstOfPhase, end, cancellationToken), cancellationToken);
        await Task.WhenAll(workers);
    }

    private async Task WorkAsync(long firstOfPhase, PhaseEnd end, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref sent) - 1;
            if (end.Count is { } count && n - firstOfPhase >= count) break;
            var startedAt = Stopwatch.GetTimestamp();
            if (end.Until is { } until && startedAt >= until) break;
            var result = await target.ExchangeAsync(requests[n % requests.Length], false, cancellationToken);
            recorder.Record(result, startedAt);
        }
    }

    public async Task RunOpenAsync(double rate, int maxOutstanding, PhaseEnd end, CancellationToken cancellationToken)
    {
        var ticksBetween = Stopwatch.Frequency / rate;
        var phaseStart = Stopwatch.GetTimestamp();
        var outstanding = new Outstanding();
        for (long k = 0; !cancellationToken.IsCancellationRequested; k++)
        {
            if (end.Count is { } count && k >= count) break;
            var due = phaseStart + (long)(k * ticksBetween);
            if (end.Until is { } until && due >= until) break;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            // Timers tick about once a millisecond: arrivals due sooner go out now, late ones keep their due time.
            if (wait >= TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!outstanding.TryEnter(maxOutstanding))
            {
                recorder.Drop();
                continue;
            }
            var request = requests[(Interlocked.Increment(ref sent) - 1) % requests.Length];
            _ = SendAsync(request, due, outstanding, cancellationToken);
        }
        await outstanding.DrainAsync();
    }

    private async Task SendAsync(PreparedExchange request, long due, Outstanding outstanding, CancellationToken cancellationToken)
    {
        try
        {
            // Off the scheduler's thread at once: its loop must not wait for any part of a send.
            await Task.Yield();
            var result = await target.ExchangeAsync(request, false, cancellationToken);
            recorder.Record(result, due);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            outstanding.Exit();
        }
    }

    /// <summary>Requests in flight in the open model; the scheduler counts as one until it stops.</summary>
    private sealed class Outstanding
    {
        private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int count = 1;

        public bool TryEnter(int max)
        {
            if (Volatile.Read(ref count) > max) return false;
            Interlocked.Increment(ref count);
            return true;
        }

        public void Exit()
        {
            if (Interlocked.Decrement(ref count) == 0) drained.TrySetResult();
        }

        public Task DrainAsync()
        {
            Exit();
            return drained.Task;
        }
    }
}
