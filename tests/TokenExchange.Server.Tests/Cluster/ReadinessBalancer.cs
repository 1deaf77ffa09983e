namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// A load balancer as Kubernetes' Services behave: it polls each silo's /readyz every
/// <see cref="Period"/> and sends requests, round robin, only to ready silos. A silo that answers unready
/// (503) is out at once; one that does not answer (a slow machine, a closed port) after two polls in a row,
/// as a readiness probe's failureThreshold does.
/// </summary>
public sealed class ReadinessBalancer : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly SiloProcess[] silos;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Dictionary<SiloProcess, int> unanswered = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;
    private volatile SiloProcess[] ready;
    private int next;

    public ReadinessBalancer(SiloProcess[] silos)
    {
        this.silos = silos;
        ready = silos;
        polling = PollAsync();
    }

    /// <summary>The next ready silo, or null when none is.</summary>
    public SiloProcess? Route()
    {
        var current = ready;
        return current.Length == 0 ? null : current[(int)((uint)Interlocked.Increment(ref next) % current.Length)];
    }

    public bool IsReady(SiloProcess silo) => ready.Contains(silo);

    private async Task PollAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var answers = await Task.WhenAll(silos.Select(ReadyAsync));
            for (var i = 0; i < silos.Length; i++) unanswered[silos[i]] = answers[i] is null ? unanswered.GetValueOrDefault(silos[i]) + 1 : 0;
            ready = [.. silos.Where((silo, i) => answers[i] ?? (ready.Contains(silo) && unanswered[silo] < 2))];
            try
            {
                await Task.Delay(Period, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>True or false as the silo answered; null when it did not answer.</summary>
    private async Task<bool?> ReadyAsync(SiloProcess silo)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(silo.Http, "/readyz"), stop.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        http.Dispose();
        stop.Dispose();
    }
}
