using TokenExchange.Testing;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// A rolling restart of three silos under a steady open-model stream sent through a load balancer that
/// follows readiness: each silo in turn gets SIGTERM, turns unready at once, keeps serving through its
/// drain delay, finishes what is in flight and leaves; it is started again and, once ready, the next one
/// goes. Not one exchange fails.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Shorter than the 5 s default, to keep the drill short; 20 polls of the balancer.</summary>
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(2);

    private ClusterOfSilos cluster = null!;

    private TokenExchange.Testing.PrivatePostgres postgres = null!;

    public async Task InitializeAsync() => (postgres, cluster) = await Drill.StartClusterAsync(3, extraArguments: ["--drain-delay", DrainDelay.ToString()]);

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task No_exchange_fails_while_every_silo_is_restarted_in_turn()
    {
        var requests = Drill.Requests(cluster, "rolling");
        await Drill.WarmAsync(cluster, requests);
        await Drill.AssertSpreadAsync(cluster, requests.Length, output);

        await using var balancer = new ReadinessBalancer(cluster.Silos);
        await using var stream = OpenModelStream.Start(Drill.Rate, requests, balancer.Route);
        var steps = new List<string>();
        var exitCodes = new List<int?>();
        await Task.Delay(TimeSpan.FromSeconds(2)); // real time: two seconds of steady traffic before the first restart, as a baseline
        foreach (var silo in cluster.Silos)
        {
            var stoppedAt = stream.Now;
            silo.Terminate();
            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await silo.WaitForExitAsync(limit.Token);
            var exitedAt = stream.Now;
            exitCodes.Add(silo.ExitCode);
            await silo.StartAsync();
            await Poll.UntilAsync(() => balancer.IsReady(silo), TimeSpan.FromSeconds(60), $"the balancer to see silo {silo.Name} ready", step: ReadinessBalancer.Period);
            steps.Add($"silo {silo.Name}: SIGTERM at {stoppedAt.TotalSeconds:F1} s, exited {(exitedAt - stoppedAt).TotalSeconds:F1} s later (code {exitCodes[^1]?.ToString() ?? "?"}), ready again at {stream.Now.TotalSeconds:F1} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // real time: traffic continues two seconds after the last silo is back
        await stream.StopAsync();

        var all = stream.Outcomes;
        var failed = all.Where(o => !o.Succeeded).ToArray();
        Drill.Report(output, "rolling-restart", [
            $"rolling restart of 3 silos (SIGTERM, --drain-delay {DrainDelay.TotalSeconds} s, restart, ready) under {stream.Rate}/s (open model) through a readiness-following balancer, {requests.Length} subjects",
            .. steps,
            $"whole run ({stream.Now.TotalSeconds:F0} s): {OpenModelStream.Describe(all)}",
            .. failed.Take(5).Select(o => $"failed: {o}"), // here too: the assertion's message is followed by every silo's log
        ]);

        Assert.True(failed.Length == 0, $"{failed.Length} exchanges failed: {string.Join(", ", failed.Take(5))}\n{cluster.Logs()}");
        Assert.All(exitCodes, code => Assert.Equal(0, code)); // each left gracefully, within its shutdown timeout
    }
}
