namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// A load balancer as Kubernetes' Services behave: it polls each silo's /readyz every
/// <see cref="Period"/> and sends requests, round robin, only to silos that answered ready.
/// </summary>
public sealed class ReadinessBalancer : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly SiloProcess[] silos;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(1) };
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
            ready = [.. silos.Where((_, i) => answers[i])];
            try
            {
                await Task.Delay(Period, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task<bool> ReadyAsync(SiloProcess silo)
    {
        if (!silo.IsRunning) return false;
        try
        {
            using var response = await http.GetAsync(new Uri(silo.Http, "/readyz"), stop.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
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
