using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// kill -9 one of three silos under a steady stream of exchanges spread over all three. Requests to the
/// survivors must keep succeeding but for a short window (grains that lived on the dead silo), which
/// closes once the cluster declares the silo dead; the silo then restarts and rejoins.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan MaxRecovery = TimeSpan.FromSeconds(20);
    private const int MaxSurvivorFailures = 200;

    private ClusterOfSilos cluster = null!;

    public async Task InitializeAsync() => cluster = await ClusterOfSilos.StartAsync(3);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task Survivors_keep_serving_when_a_silo_is_killed_and_the_silo_rejoins_after_a_restart()
    {
        var victim = cluster.Silos[2];
        var survivors = cluster.Silos[..2];
        var channels = cluster.Silos.ToDictionary(s => s, s => GrpcChannel.ForAddress(s.Grpc));
        var subjects = Enumerable.Range(0, 200).Select(i => $"failover-{i}").ToArray();
        var failures = new ConcurrentBag<(SiloProcess Silo, TimeSpan At, StatusCode Status)>();
        var successes = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt = default;
        using var stop = new CancellationTokenSource();

        async Task Drive(int worker)
        {
            var n = worker;
            while (!stop.IsCancellationRequested)
            {
                var silo = cluster.Silos[n % 3];
                var request = cluster.Request(subjects[n++ % subjects.Length]);
                if (silo == victim && !victim.IsRunning) continue; // a load balancer would have taken it out
                try
                {
                    await new Protos.V1.TokenExchange.TokenExchangeClient(channels[silo]).ExchangeAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                    Interlocked.Increment(ref successes);
                }
                catch (RpcException e)
                {
                    failures.Add((silo, clock.Elapsed, e.StatusCode));
                }
                await Task.Delay(5);
            }
        }

        var workers = Enumerable.Range(0, 6).Select(Drive).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(3));
        killedAt = clock.Elapsed;
        victim.Kill();
        await Task.Delay(MaxRecovery + TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var survivorFailures = failures.Where(f => survivors.Contains(f.Silo) && f.At > killedAt).ToArray();
        var lastFailure = survivorFailures.Length == 0 ? killedAt : survivorFailures.Max(f => f.At);
        var recovery = lastFailure - killedAt;
        output.WriteLine($"exchanges ok: {successes}; survivor failures after the kill: {survivorFailures.Length} " +
            $"({string.Join(", ", survivorFailures.GroupBy(f => f.Status).Select(g => $"{g.Key}: {g.Count()}"))}); " +
            $"every request succeeded again {recovery.TotalSeconds:F1} s after the kill");

        Assert.DoesNotContain(failures, f => f.At < killedAt);
        Assert.True(survivorFailures.Length <= MaxSurvivorFailures, $"{survivorFailures.Length} failures on survivors\n{cluster.Logs()}");
        Assert.True(recovery < MaxRecovery, $"survivors failed until {recovery.TotalSeconds:F1} s after the kill");
        Assert.All(survivorFailures, f => Assert.Contains(f.Status, new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded }));

        await victim.StartAsync();
        var rejoined = await new Protos.V1.TokenExchange.TokenExchangeClient(channels[victim]).ExchangeAsync(cluster.Request("alice-ext-1"));
        Assert.False(string.IsNullOrEmpty(rejoined.AccessToken));
        foreach (var channel in channels.Values) channel.Dispose();
    }
}
