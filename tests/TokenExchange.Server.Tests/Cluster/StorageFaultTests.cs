using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Testing;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// PostgreSQL stops for 10 s under a steady open-model stream of warm subjects (a private server, so other
/// tests are not disturbed). Warm subjects keep getting tokens, not one fails: their state is in memory.
/// New subjects, whose state must be read and written, get temporarily_unavailable, and succeed once
/// PostgreSQL is back. Then every silo is killed and restarted, so every answer comes from storage: each
/// subject acknowledged before, during or after the outage maps to the user it was given.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class StorageFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private PrivatePostgres postgres = null!;
    private ClusterOfSilos cluster = null!;

    public async Task InitializeAsync()
    {
        postgres = await PrivatePostgres.StartAsync();
        cluster = await ClusterOfSilos.StartAsync(3, postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task Warm_subjects_keep_getting_tokens_new_ones_are_temporarily_unavailable_and_nothing_acknowledged_is_lost()
    {
        var requests = Drill.Requests(cluster, "warm");
        var users = await Drill.WarmAsync(cluster, requests);
        var channels = cluster.Silos.Select(s => GrpcChannel.ForAddress(s.Grpc)).ToArray();
        var next = 0;
        await using var stream = OpenModelStream.Start(Drill.Rate, requests, () => cluster.Silos[(int)((uint)Interlocked.Increment(ref next) % cluster.Silos.Length)]);

        await Task.Delay(TimeSpan.FromSeconds(2)); // real time: two seconds of traffic with PostgreSQL up, the baseline
        await postgres.StopServerAsync();
        var downAt = stream.Now;
        // New subjects, one every 250 ms through each silo in turn, while PostgreSQL is down.
        var coldOutcomes = new List<(string Subject, string Outcome)>();
        for (var i = 0; stream.Now - downAt < Outage; i++)
        {
            var subject = $"cold-{i}-{Guid.NewGuid():N}";
            coldOutcomes.Add((subject, await OutcomeAsync(channels[i % channels.Length], subject)));
            await Task.Delay(250); // pacing, not waiting: new subjects arrive throughout the outage
        }
        var upAt = stream.Now;
        await postgres.StartServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // real time: traffic continues three seconds after PostgreSQL returns
        await stream.StopAsync();

        // Once PostgreSQL is back, every new subject gets its user, the cluster recovering by itself.
        var recovery = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (subject, _) in coldOutcomes)
        {
            // One budget of 30 s for all of them, from when PostgreSQL returned.
            var outcome = await Poll.UntilAsync(() => OutcomeAsync(channels[0], subject), o => o.StartsWith("ok:", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30) - recovery.Elapsed, $"{subject} to get its user after PostgreSQL returned", step: TimeSpan.FromMilliseconds(250), detail: cluster.Logs);
            users[subject] = outcome[3..];
        }
        var recovered = recovery.Elapsed;

        var during = stream.Between(downAt, upAt);
        Drill.Report(output, "postgres-outage", [
            $"PostgreSQL stopped for {(upAt - downAt).TotalSeconds:F1} s under {stream.Rate}/s (open model) of {requests.Length} warm subjects to 3 silos",
            $"warm subjects while PostgreSQL was down: {OpenModelStream.Describe(during)}",
            $"warm subjects, whole run: {OpenModelStream.Describe(stream.Outcomes)}",
            $"new subjects while PostgreSQL was down: {string.Join(", ", coldOutcomes.GroupBy(o => o.Outcome.StartsWith("ok:", StringComparison.Ordinal) ? "ok" : o.Outcome).Select(g => $"{g.Key} x{g.Count()}"))}",
            $"every new subject got its user {recovered.TotalSeconds:F1} s after PostgreSQL returned",
        ]);

        var failed = stream.Outcomes.Where(o => !o.Succeeded).ToArray();
        Assert.True(failed.Length == 0, $"{failed.Length} exchanges of warm subjects failed: {string.Join(", ", failed.Take(5))}\n{cluster.Logs()}");
        Assert.True(during.Length >= 0.9 * stream.Rate * Outage.TotalSeconds, $"only {during.Length} warm requests while PostgreSQL was down");
        Assert.NotEmpty(coldOutcomes);
        Assert.All(coldOutcomes, o => Assert.Equal("temporarily_unavailable", o.Outcome));

        // Nothing acknowledged is lost: after kill -9 of every silo, state comes from PostgreSQL alone.
        foreach (var silo in cluster.Silos) silo.Kill();
        await cluster.Silos[0].StartAsync();
        await Task.WhenAll(cluster.Silos.Skip(1).Select(s => s.StartAsync()));
        var again = await Drill.WarmAsync(cluster, [.. users.Keys.Select(s => (s, cluster.Request(s)))]);
        Assert.All(users, acknowledged => Assert.Equal(acknowledged.Value, again[acknowledged.Key]));
        foreach (var channel in channels) channel.Dispose();
    }

    /// <summary>"ok:" and the user id, or the OAuth error code.</summary>
    private async Task<string> OutcomeAsync(GrpcChannel channel, string subject)
    {
        try
        {
            var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(cluster.Request(subject), deadline: DateTime.UtcNow.AddSeconds(30));
            return "ok:" + new JsonWebToken(response.AccessToken).Subject;
        }
        catch (RpcException e)
        {
            return e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? $"grpc {e.StatusCode}";
        }
    }
}
