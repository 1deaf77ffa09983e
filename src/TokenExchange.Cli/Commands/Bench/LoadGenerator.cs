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
/// Which prepared request goes next: in order and cycling (each subject in turn, so a short run of a large set
/// reaches only its first subjects), or drawn uniformly at random from all of them (<c>--subject-order random</c>),
/// so that any window of a run spreads over the whole set.
/// </summary>
public enum SubjectOrder
{
    Sequential,
    Random,
}

/// <summary>
/// Sends the prepared requests (in the <see cref="SubjectOrder"/>) to a target. Closed model: a fixed number of
/// workers, each sending its next request when its last one is answered. Open model: requests arrive at
/// a fixed rate whatever the answers, each timed from the moment it was due (or, within the pacer's 1 ms
/// batching, when it was meant to go out; not from when it could be sent), so a stalled server shows in the latencies instead of slowing the arrivals (no
/// coordinated omission); at most <c>maxOutstanding</c> are outstanding, arrivals beyond that are dropped and counted.
/// </summary>
public sealed class LoadGenerator(IExchangeTarget target, PreparedExchange[] requests, BenchRecorder recorder, SubjectOrder order = SubjectOrder.Sequential)
{
    private long sent;

    private PreparedExchange Next(long n) => requests[order == SubjectOrder.Random ? Random.Shared.Next(requests.Length) : n % requests.Length];

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
            var result = await target.ExchangeAsync(Next(n), false, cancellationToken);
            recorder.Record(result, startedAt);
        }
    }

    public async Task RunOpenAsync(double rate, int maxOutstanding, PhaseEnd end, CancellationToken cancellationToken)
    {
        var outstanding = new Outstanding();
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A thread of its own: the thread pool's timers fire late under load, and every arrival due during
        // that lateness would be charged with it, the harness's delay measured as the server's.
        var pacer = new Thread(() =>
        {
            try
            {
                Pace(rate, maxOutstanding, end, outstanding, cancellationToken);
                paced.SetResult();
            }
            catch (Exception e)
            {
                paced.SetException(e);
            }
        })
        { IsBackground = true, Name = "txctl bench pacer" };
        pacer.Start();
        await paced.Task;
        await outstanding.DrainAsync();
    }

    /// <summary>
    /// Sends each arrival when it is due, sleeping in between (at least 1 ms at a time, so arrivals go out in
    /// batches). An arrival is timed from when it was due, or, if it fell due while the pacer slept, from the
    /// moment the pacer meant to wake: the batching is the harness's choice, but any lateness beyond it (an
    /// oversleep, a stalled machine) counts in full.
    /// </summary>
    private void Pace(double rate, int maxOutstanding, PhaseEnd end, Outstanding outstanding, CancellationToken cancellationToken)
    {
        var ticksPerMillisecond = Stopwatch.Frequency / 1000;
        var ticksBetween = Stopwatch.Frequency / rate;
        var phaseStart = Stopwatch.GetTimestamp();
        var plannedWake = phaseStart;
        long k = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var next = phaseStart + (long)(k * ticksBetween);
            if (next > now)
            {
                var milliseconds = (int)Math.Max(1, (next - now) / ticksPerMillisecond);
                plannedWake = now + milliseconds * ticksPerMillisecond;
                Thread.Sleep(milliseconds);
                now = Stopwatch.GetTimestamp();
            }
            for (; ; k++)
            {
                if (end.Count is { } count && k >= count) return;
                var due = phaseStart + (long)(k * ticksBetween);
                if (due > now) break;
                if (end.Until is { } until && due >= until) return;
                if (!outstanding.TryEnter(maxOutstanding))
                {
                    recorder.Drop();
                    continue;
                }
                var request = Next(Interlocked.Increment(ref sent) - 1);
                _ = SendAsync(request, Math.Max(due, plannedWake), outstanding, cancellationToken);
            }
        }
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
