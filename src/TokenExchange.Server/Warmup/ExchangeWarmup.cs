using System.Diagnostics;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Warmup;

/// <summary>
/// Warm start (issue 15): before the silo reports ready, the exchange path runs <c>--warmup-exchanges</c> times
/// in memory (<see cref="ExchangePathExercise"/>), so the JIT has compiled it, and the tiered JIT has seen it
/// called, before a load balancer sends the first exchange. It begins when the host starts (StartingAsync),
/// beside the silo's own start, and the host's start waits for it in StartAsync: the front doors (Kestrel starts
/// after the other hosted services) open only once it is done, and readiness says so too
/// (<see cref="WarmupReadyCheck"/>). A warm-up that fails is logged and ends: the silo still starts, only colder.
/// </summary>
public sealed class ExchangeWarmup(ServerSettings settings, IWarmupExercise exercise, ILogger<ExchangeWarmup> logger) : IHostedLifecycleService
{
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();

    public bool IsDone => done.Task.IsCompleted;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (settings.WarmupExchanges == 0) done.TrySetResult();
        else _ = Task.Run(() => WarmAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => done.Task.WaitAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WarmAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            for (var round = 0; round < settings.WarmupExchanges; round++) await exercise.ExchangeAsync(round, cancellationToken);
            logger.LogInformation("Exchange path warmed up: {Exchanges} in-memory exchanges in {Milliseconds} ms", settings.WarmupExchanges, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The message only: the exercise's own throwaway tokens never reach the log.
            logger.LogWarning("Exchange path warm-up failed after {Milliseconds} ms, the silo starts cold: {Error}", clock.ElapsedMilliseconds, e.GetType().Name);
        }
        finally
        {
            done.TrySetResult();
        }
    }
}
