namespace TokenExchange.Server.Hosting;

/// <summary>
/// How a silo leaves on SIGTERM (or Ctrl-C, or the host stopping), in this order:
/// <list type="number">
/// <item>at once, readiness (<c>/readyz</c>, gRPC health) turns false, so load balancers take the silo out;</item>
/// <item>for <see cref="ServerSettings.DrainDelay"/> it still serves new requests, unary and on open
/// <c>ExchangeStream</c>s, while the load balancers notice;</item>
/// <item>then the front doors stop taking requests: in-flight ones finish (a stream answers every message it
/// has read, then ends with Unavailable so its client sends the rest elsewhere);</item>
/// <item>then the Orleans silo stops gracefully: it leaves the membership and hands its grains back, and the
/// other silos' calls to them are retried on new activations (GrainCallRetry).</item>
/// </list>
/// Steps 1 and 2 run in <see cref="StoppingAsync"/>, which the host completes for every service before it
/// stops any (the web server, then the silo, in reverse order of registration).
/// </summary>
public sealed class GracefulLeave(ServerSettings settings, TimeProvider time, ILogger<GracefulLeave> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource leaving = new();
    private readonly CancellationTokenSource drained = new();

    /// <summary>True from the moment the silo was told to stop: it is no longer ready.</summary>
    public bool IsLeaving => leaving.IsCancellationRequested;

    /// <summary>Cancelled when the drain delay is over: streams stop reading new messages.</summary>
    public CancellationToken Drained => drained.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await leaving.CancelAsync();
        if (settings.DrainDelay > TimeSpan.Zero)
        {
            logger.LogInformation("Stopping: unready now; serving new requests for {DrainDelay} s more, then finishing in-flight ones and leaving the cluster",
                settings.DrainDelay.TotalSeconds);
            await Task.Delay(settings.DrainDelay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await drained.CancelAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
