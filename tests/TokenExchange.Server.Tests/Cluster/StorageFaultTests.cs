using Grpc.Core;
using Grpc.Net.Client;
using Google.Rpc;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Testing;
using Xunit.Abstractions;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// PostgreSQL stops mid-run (a private server, so other tests are not disturbed). Exchanges whose state is
/// in memory keep working; the rest fail as temporarily_unavailable, never as a server error; after
/// PostgreSQL returns, the cluster recovers without restarts and nothing was half-written.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class StorageFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PrivatePostgres postgres = null!;
    private ClusterOfSilos cluster = null!;

    public async Task InitializeAsync()
    {
        postgres = await PrivatePostgres.StartAsync();
        cluster = await ClusterOfSilos.StartAsync(2, postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task Exchanges_survive_or_fail_as_temporarily_unavailable_and_recover_when_postgres_returns()
    {
        using var channel = GrpcChannel.ForAddress(cluster.Silos[0].Grpc);
        var client = new Protos.V1.TokenExchange.TokenExchangeClient(channel);
        var warm = Enumerable.Range(0, 20).Select(i => $"warm-{i}").ToArray();
        foreach (var subject in warm) await client.ExchangeAsync(cluster.Request(subject));

        await postgres.StopServerAsync();
        var warmOutcomes = new List<string>();
        foreach (var subject in warm) warmOutcomes.Add(await Outcome(client, subject));
        var newSubject = "cold-" + Guid.NewGuid().ToString("N");
        var coldOutcome = await Outcome(client, newSubject);
        output.WriteLine($"during the outage: warm subjects {string.Join(", ", warmOutcomes.GroupBy(o => o).Select(g => $"{g.Key} x{g.Count()}"))}; new subject: {coldOutcome}");

        Assert.All(warmOutcomes, o => Assert.Contains(o, new[] { "ok", "temporarily_unavailable" }));
        Assert.True(coldOutcome is "ok" or "temporarily_unavailable", $"new subject during the outage: {coldOutcome}\n{cluster.Logs()}");

        await postgres.StartServerAsync();
        var recovered = DateTime.UtcNow;
        string? userId = null;
        while (DateTime.UtcNow - recovered < TimeSpan.FromSeconds(30) && userId is null)
        {
            try
            {
                userId = new JsonWebToken((await client.ExchangeAsync(cluster.Request(newSubject), deadline: DateTime.UtcNow.AddSeconds(10))).AccessToken).Subject;
            }
            catch (RpcException)
            {
                await Task.Delay(250);
            }
        }
        output.WriteLine($"recovered {(DateTime.UtcNow - recovered).TotalSeconds:F1} s after PostgreSQL returned");

        Assert.NotNull(userId);
        using var other = GrpcChannel.ForAddress(cluster.Silos[1].Grpc);
        var again = await new Protos.V1.TokenExchange.TokenExchangeClient(other).ExchangeAsync(cluster.Request(newSubject));
        Assert.Equal(userId, new JsonWebToken(again.AccessToken).Subject);
        Assert.All(cluster.Silos, s => Assert.True(s.IsRunning));
    }

    private async Task<string> Outcome(Protos.V1.TokenExchange.TokenExchangeClient client, string subject)
    {
        try
        {
            await client.ExchangeAsync(cluster.Request(subject), deadline: DateTime.UtcNow.AddSeconds(30));
            return "ok";
        }
        catch (RpcException e)
        {
            return e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? $"grpc {e.StatusCode}";
        }
    }
}
