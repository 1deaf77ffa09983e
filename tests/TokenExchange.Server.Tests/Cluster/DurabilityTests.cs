using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>Stop every silo and start them again: definitions, users, sessions and signing keys are still there.</summary>
[Collection(RealProcessCollection.Name)]
public sealed class DurabilityTests : IAsyncLifetime
{
    private ClusterOfSilos cluster = null!;

    public async Task InitializeAsync() => cluster = await ClusterOfSilos.StartAsync(2);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task A_full_restart_keeps_apps_handlers_users_sessions_and_keys()
    {
        var subject = "durable-" + Guid.NewGuid().ToString("N");
        var before = new JsonWebToken((await Exchange(cluster.Silos[0], subject)).AccessToken);

        foreach (var silo in cluster.Silos) await silo.StopAsync();
        await cluster.Silos[0].StartAsync();
        await cluster.Silos[1].StartAsync();
        var after = new JsonWebToken((await Exchange(cluster.Silos[1], subject)).AccessToken);

        Assert.Equal(before.Subject, after.Subject);
        Assert.Equal(before.Kid, after.Kid);
    }

    private async Task<Protos.V1.ExchangeResponse> Exchange(SiloProcess silo, string subject)
    {
        using var channel = GrpcChannel.ForAddress(silo.Grpc);
        return await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(cluster.Request(subject), deadline: DateTime.UtcNow.AddSeconds(20));
    }
}
