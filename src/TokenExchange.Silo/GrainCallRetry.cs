using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenExchange.Silo.Handlers;

namespace TokenExchange.Silo;

/// <summary>
/// Runs a grain call of a request and repeats it when it failed because its silo died or is leaving
/// (<see cref="OrleansFailures.IsSiloGone"/>; a response timeout only when a silo has been declared dead
/// since the attempt began), with a short backoff, until it succeeds or the request's deadline passes:
/// the caller's token (the gRPC deadline, the HTTP client going away) or
/// <see cref="TokenExchangeSiloOptions.RequestTimeout"/> after the first attempt, whichever comes first.
/// Orleans fails a call to a silo the moment membership declares that silo dead, and the next attempt
/// activates the grain on a survivor; until then attempts fail fast (the connection is refused).
/// Only idempotent calls may come through here: every subject-session operation is (see
/// <c>SubjectSessionGrain</c>). When the deadline passes, the last failure is thrown, which
/// the front door answers with temporarily_unavailable.
/// </summary>
public sealed class GrainCallRetry(IClusterMembershipService membership, IOptions<TokenExchangeSiloOptions> options, TimeProvider time, ILogger<GrainCallRetry> logger)
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(400);

    public ValueTask<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(static (call, _) => new ValueTask<T>(call()), call, honorsToken: false, cancellationToken);

    /// <summary>
    /// A grain call that takes the caller's token (a grain method with a <see cref="CancellationToken"/>, which Orleans
    /// completes as cancelled the moment the token is) and is bounded by Orleans' own response timeout, which the silo
    /// sets to <see cref="TokenExchangeSiloOptions.GrainCallTimeout"/> (<see cref="SiloServiceCollectionExtensions"/>).
    /// When that is the request's budget (10 s or more), its first attempt is awaited as it is: no timer, no
    /// cancellation promise, no Task of its own, since this is the exchange's one grain call (issue 15: about 430 bytes
    /// an exchange). A shorter budget, and a repeat after a failover, still wait at most the budget left.
    /// </summary>
    public ValueTask<T> CallAsync<TState, T>(Func<TState, CancellationToken, ValueTask<T>> call, TState state, CancellationToken cancellationToken) =>
        RunAsync(call, state, honorsToken: true, cancellationToken);

    /// <summary>
    /// The attempts. Each waits at most the budget left and the caller's token (<see cref="Task.WaitAsync(TimeSpan, TimeProvider, CancellationToken)"/>,
    /// which sets no timer for a call that has already answered), except the first attempt of a call that
    /// <paramref name="honorsToken"/> when Orleans' response timeout is the budget: both bound it already. The state machine comes from a pool rather than the
    /// heap, since this runs on every exchange (the caller awaits it once).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> RunAsync<TState, T>(Func<TState, CancellationToken, ValueTask<T>> call, TState state, bool honorsToken, CancellationToken cancellationToken)
    {
        var budget = options.Value.RequestTimeout;
        // Orleans' response timeout ends the first attempt at the budget already (GrainCallTimeout).
        var boundedByOrleans = honorsToken && options.Value.GrainCallTimeout <= budget;
        var startedAt = time.GetTimestamp();
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var membershipBefore = membership.CurrentSnapshot;
            var orleansBoundsThisAttempt = boundedByOrleans && attempt == 1;
            Exception failure;
            Task<T>? waited = null;
            try
            {
                var pending = call(state, cancellationToken);
                if (orleansBoundsThisAttempt) return await pending.ConfigureAwait(false);
                waited = pending.AsTask();
                return await waited.WaitAsync(Left(budget, startedAt), time, cancellationToken).ConfigureAwait(false);
            }
            // The call is abandoned (a silo that died with it is not declared dead yet): the deadline wins, the caller's or the budget's.
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw Abandoned(attempt);
            }
            catch (TimeoutException) when (waited is { IsCompleted: false })
            {
                throw Abandoned(attempt);
            }
            catch (Exception e) when (OrleansFailures.IsSiloGone(e) || (OrleansFailures.IsTimeout(e) && SiloDiedSince(membershipBefore)))
            {
                failure = e;
            }
            // Orleans' response timeout, which is the budget, ended a first attempt nobody answered: abandoned as when
            // the budget's own wait ends it (Orleans' text names the message, grain and all; this names the deadline).
            catch (TimeoutException) when (orleansBoundsThisAttempt)
            {
                throw Abandoned(attempt);
            }
            logger.LogDebug("Grain call attempt {Attempt} failed ({Error}); retrying in {Backoff} ms", attempt, failure.GetType().Name, backoff.TotalMilliseconds);
            var left = Left(budget, startedAt);
            try
            {
                await Task.Delay(backoff < left ? backoff : left, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
            // The deadline passed while waiting to repeat: the last failure is the answer.
            if (backoff >= left) ExceptionDispatchInfo.Throw(failure);
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }

    public async Task CallAsync(Func<Task> call, CancellationToken cancellationToken) =>
        await CallAsync(async () => { await call().ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);

    /// <summary>What is left of the request's budget (never negative: a wait of zero fails at once).</summary>
    private TimeSpan Left(TimeSpan budget, long startedAt)
    {
        var left = budget - time.GetElapsedTime(startedAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static TimeoutException Abandoned(int attempts) => new($"no answer from the cluster within the request's deadline ({attempts} attempts)");

    private bool SiloDiedSince(ClusterMembershipSnapshot before)
    {
        var now = membership.CurrentSnapshot;
        return now.Version > before.Version && now.Members.Values.Any(m => m.Status == SiloStatus.Dead && before.GetSiloStatus(m.SiloAddress) != SiloStatus.Dead);
    }
}
