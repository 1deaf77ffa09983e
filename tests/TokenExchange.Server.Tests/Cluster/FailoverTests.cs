using Grpc.Net.Client;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// kill -9 of one of three silos under a steady open-model stream to the other two, over subjects whose
/// sessions live on all three: not one exchange fails on the survivors (calls to grains of the dead silo
/// are retried once membership has moved them); the p99 latency in the 10 s after the kill is reported.
/// The silo then restarts and rejoins.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ClusterOfSilos cluster = null!;

    private TokenExchange.Testing.PrivatePostgres postgres = null!;

    public async Task InitializeAsync() => (postgres, cluster) = await Drill.StartClusterAsync(3, extraArguments: ["--Logging:LogLevel:Orleans.Runtime.MembershipService", "Information"]);

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task Survivors_fail_no_exchange_when_a_silo_is_killed_and_the_silo_rejoins_after_a_restart()
    {
        var victim = cluster.Silos[2];
        var survivors = cluster.Silos[..2];
        var requests = Drill.Requests(cluster, "kill");
        await Drill.WarmAsync(cluster, requests);
        await Drill.AssertSpreadAsync(cluster, requests.Length, output);

        var next = 0;
        await using var stream = OpenModelStream.Start(Drill.Rate, requests, () => survivors[Interlocked.Increment(ref next) % 2]);
        await Task.Delay(TimeSpan.FromSeconds(3)); // real time: three seconds of traffic before the kill, the baseline compared below
        var killedAt = stream.Now;
        victim.Kill();
        output.WriteLine($"killed at {DateTime.UtcNow:HH:mm:ss.fff}");
        await Task.Delay(TimeSpan.FromSeconds(10)); // real time: the ten seconds after the kill that the outcomes below are judged over
        await stream.StopAsync();

        var before = stream.Between(TimeSpan.Zero, killedAt);
        var after = stream.Between(killedAt, killedAt + TimeSpan.FromSeconds(10));
        var delayed = after.Where(o => o.Latency > TimeSpan.FromMilliseconds(500)).ToArray();
        var settled = delayed.Length == 0 ? TimeSpan.Zero : delayed.Max(o => o.DueAt) - killedAt;
        Drill.Report(output, "kill", [
            $"kill -9 of 1 of 3 silos under {stream.Rate}/s (open model) to the 2 survivors, {requests.Length} subjects on all 3 silos",
            $"before the kill (3 s): {OpenModelStream.Describe(before)}",
            $"10 s after the kill:   {OpenModelStream.Describe(after)}",
            $"delayed over 500 ms: {delayed.Length}; the last of them was due {settled.TotalSeconds:F1} s after the kill",
        ]);

        var failed = stream.Outcomes.Where(o => !o.Succeeded).ToArray();
        Assert.True(failed.Length == 0, $"{failed.Length} exchanges failed on the survivors: {string.Join(", ", failed.Take(5))}\n{cluster.Logs()}");
        Assert.True(after.Length >= 0.9 * stream.Rate * 10, $"only {after.Length} requests were sent in the 10 s after the kill");

        await victim.StartAsync();
        using var channel = GrpcChannel.ForAddress(victim.Grpc);
        var rejoined = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(cluster.Request("alice-ext-1"));
        Assert.False(string.IsNullOrEmpty(rejoined.AccessToken));
    }
}
