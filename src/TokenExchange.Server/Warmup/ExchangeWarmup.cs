using System.Diagnostics;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Warmup;

/// <summary>
/// Warm start (issue 15), in two parts, both before the silo reports ready (<see cref="WarmupReadyCheck"/>):
/// <list type="number">
/// <item>The exchange path runs <c>--warmup-exchanges</c> times in memory (<see cref="ExchangePathExercise"/>),
/// beside the silo's own start; the host's start waits for it, so the front doors open on compiled code.</item>
/// <item>Then, for at most <c>--warmup-timeout</c>, the same exchanges go on in batches, their users now from a grain
/// call (<see cref="WarmupReach.ThroughSilo"/>), each round with a new subject's grain activations
/// (<see cref="IActivationExercise"/>) and a call through both front doors over loopback
/// (<see cref="IFrontDoorExercise"/>), the rounds of a batch at once as a loaded silo meets them, until the JIT has stopped compiling:
/// tiered compilation recompiles a hot method only after it has been called 30 times past a 100 ms lull in new
/// compilations, and once more after dynamic PGO has profiled it, on a background thread. Without this part those
/// recompilations happen under the first load instead, which on two cores kept a new silo below its steady speed
/// for about 5 s. The front doors are open meanwhile; only readiness waits.</item>
/// </list>
/// A warm-up that fails is logged and ends: the silo still becomes ready, only colder.
/// </summary>
public sealed class ExchangeWarmup(ServerSettings settings, IWarmupExercise exercise, IActivationExercise activations, IFrontDoorExercise frontDoors, IJitActivity jit, ILogger<ExchangeWarmup> logger)
    : IHostedLifecycleService
{
    /// <summary>Rounds between two looks at the JIT, and the lull after them (the JIT's own call-counting delay).</summary>
    public const int Batch = 16;

    public static readonly TimeSpan Lull = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Batches in a row that each compiled fewer methods than they had rounds: the JIT is quiet. Not none: a silo's own
    /// background work (timers, membership, metrics) keeps compiling a trickle of methods long after the exchange path
    /// is at its final tier, so waiting for none ran every warm-up to its timeout.
    /// </summary>
    public const int QuietBatches = 10;

    private readonly TaskCompletionSource exchanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();

    public bool IsDone => done.Task.IsCompleted;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (settings.WarmupExchanges == 0)
        {
            exchanged.TrySetResult();
            done.TrySetResult();
        }
        else _ = Task.Run(() => WarmAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => exchanged.Task.WaitAsync(cancellationToken);

    /// <summary>Every hosted service has started, Kestrel's too: the front doors listen.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        listening.TrySetResult();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await frontDoors.DisposeAsync();
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WarmAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var round = 0;
        try
        {
            for (; round < settings.WarmupExchanges; round++) await exercise.ExchangeAsync(round, WarmupReach.InMemory, cancellationToken);
            exchanged.TrySetResult();
            if (settings.WarmupTimeout == TimeSpan.Zero)
            {
                logger.LogInformation("Exchange path warmed up: {Exchanges} in-memory exchanges in {Milliseconds} ms", round, clock.ElapsedMilliseconds);
                return;
            }
            await listening.Task.WaitAsync(cancellationToken);
            var settle = Stopwatch.StartNew();
            var (calls, outcome) = await UntilQuietAsync(round, settle, cancellationToken);
            round += calls;
            logger.LogInformation(
                "Exchange path warmed up: {Exchanges} in-memory exchanges, {Calls} of them with calls through both front doors, in {Milliseconds} ms; {Outcome}",
                round, calls, clock.ElapsedMilliseconds, outcome);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The type only: the exercise's own throwaway tokens never reach the log.
            logger.LogWarning("Exchange path warm-up failed after {Exchanges} exchanges and {Milliseconds} ms, the silo starts colder: {Error}", round, clock.ElapsedMilliseconds, e.GetType().Name);
        }
        finally
        {
            exchanged.TrySetResult();
            done.TrySetResult();
        }
    }

    /// <summary>Batches of rounds, a lull after each, until <see cref="QuietBatches"/> in a row compiled fewer methods than they had rounds, or the time is up.</summary>
    private async Task<(int Calls, string Outcome)> UntilQuietAsync(int firstRound, Stopwatch settle, CancellationToken cancellationToken)
    {
        var calls = 0;
        var quietBatches = 0;
        while (quietBatches < QuietBatches && settle.Elapsed < settings.WarmupTimeout)
        {
            var before = jit.CompiledMethods;
            // At once: concurrent calls take paths one at a time never does (HTTP/2 streams sharing a connection, the
            // scheduler's queues with more than one item, the thread pool adding threads).
            var doorFailures = await Task.WhenAll(Enumerable.Range(firstRound + calls, Batch).Select(round => RoundAsync(round, cancellationToken)));
            calls += Batch;
            if (doorFailures.FirstOrDefault(f => f is not null) is { } e)
            {
                // Its message names an address or a status, never a token: the calls carry none.
                logger.LogWarning("Warm-up calls through the front doors failed, the silo starts colder: {Error}: {Message}", e.GetType().Name, e.Message);
                return (calls, "the calls through the front doors failed");
            }
            await Task.Delay(Lull, cancellationToken);
            quietBatches = jit.CompiledMethods - before < Batch ? quietBatches + 1 : 0;
        }
        return (calls, quietBatches >= QuietBatches ? "the JIT went quiet" : $"the JIT was still compiling after --warmup-timeout {settings.WarmupTimeout}");
    }

    /// <summary>One round: an exchange through the silo, a new subject's grain activations, then the front doors; the front doors' failure, if any (an exchange's is thrown).</summary>
    private async Task<Exception?> RoundAsync(int round, CancellationToken cancellationToken)
    {
        await exercise.ExchangeAsync(round, WarmupReach.ThroughSilo, cancellationToken);
        await activations.ActivateAsync(cancellationToken);
        try
        {
            await frontDoors.CallAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }
}
