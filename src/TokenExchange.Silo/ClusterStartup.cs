using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Keys;

namespace TokenExchange.Silo;

/// <summary>
/// When the silo becomes active: seed what the cluster has never had from the configuration file (a bootstrap,
/// see <see cref="DefinitionWriter"/>), load the signing keys and the
/// definition snapshot, then keep the snapshot fresh in the background. The silo reports ready
/// (<see cref="IsReady"/>) only after the first load.
/// </summary>
public sealed class ClusterStartup(
    IOptions<TokenExchangeSiloOptions> options,
    DefinitionWriter writer,
    SigningKeyCache keys,
    DevIssuerHolder devIssuer,
    DefinitionCache definitions,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ClusterStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource stopping = new();
    private Task? refreshLoop;

    public bool IsReady { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterStartup), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Seed is { } seed) await writer.SeedAsync(seed);
        keys.Apply(await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).RotateIfDue(options.Value.KeyRotation));
        if (devIssuer.Issuer is { } dev) dev.UseKey(options.Value.DevIssuerKey ?? await keys.LoadDevIssuerKeyAsync());
        await definitions.RefreshAsync();
        IsReady = true;
        refreshLoop = RefreshLoopAsync(stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        // A silo on its way out is no longer ready: load balancers stop sending it exchanges first.
        IsReady = false;
        await stopping.CancelAsync();
        if (refreshLoop is not null) await refreshLoop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.DefinitionRefreshInterval, time);
        var nextRotationCheck = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await definitions.RefreshAsync();
                    if (time.GetUtcNow() >= nextRotationCheck)
                    {
                        nextRotationCheck = time.GetUtcNow() + options.Value.KeyRotationCheckInterval;
                        keys.Apply(await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).RotateIfDue(options.Value.KeyRotation));
                    }
                    else
                    {
                        await keys.RefreshAsync();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Keep serving from the last snapshot and keys; the next tick tries again.
                    logger.LogWarning("Definition or key refresh failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
