using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// Seeding from the configuration file is a first-start bootstrap: on PostgreSQL, an app and a handler deleted
/// through the admin API stay deleted when a silo starts again (a pod restart, a scale-out), and the deleted
/// app's old secret stays refused; <c>apply</c> re-creates them on purpose.
/// </summary>
[Collection(RealProcessCollection.Name)]
public sealed class DeletedStaysDeletedTests : IAsyncLifetime
{
    private static readonly Metadata Auth = new() { { "authorization", "Bearer " + ClusterOfSilos.AdminKey } };
    private ClusterOfSilos cluster = null!;

    public async Task InitializeAsync() => cluster = await ClusterOfSilos.StartAsync(2);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task A_deleted_app_and_handler_are_not_seeded_again_by_a_restarted_silo_until_applied()
    {
        Assert.Null((await Exchange(cluster.Silos[0], "before-delete")).Failure);
        using (var channel = GrpcChannel.ForAddress(cluster.Silos[0].Grpc))
        {
            var admin = new Protos.V1.Admin.AdminClient(channel);
            await admin.DeleteAsync(new DeleteRequest { Kind = "handler", Name = "secondary" }, Auth);
            await admin.DisableAppAsync(new DisableAppRequest { Handler = "partner", ClientId = "orders-service" }, Auth);
            await admin.DeleteAsync(new DeleteRequest { Kind = "app", Name = "orders-service" }, Auth);
        }

        // The second silo starts again and seeds from the same file; then the first, so no silo kept the old state in memory.
        await cluster.Silos[1].StopAsync();
        await cluster.Silos[1].StartAsync();
        await cluster.Silos[0].StopAsync();
        await cluster.Silos[0].StartAsync();

        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(StatusCode.NotFound, await GetStatus(silo, "app", "orders-service"));
            Assert.Equal(StatusCode.NotFound, await GetStatus(silo, "handler", "secondary"));
            Assert.Equal(StatusCode.OK, await GetStatus(silo, "handler", "partner"));
            Assert.Equal(StatusCode.Unauthenticated, (await Exchange(silo, "after-restart")).Failure?.StatusCode);
        }
        Assert.Contains("it was deleted through the admin API", cluster.Logs(), StringComparison.Ordinal);

        // Re-created on purpose: apply clears what the deletion left behind, and the app exchanges again.
        using (var channel = GrpcChannel.ForAddress(cluster.Silos[1].Grpc))
        {
            var applied = await new Protos.V1.Admin.AdminClient(channel).ApplyAsync(new ApplyRequest
            {
                Document = TestConfig.Create().App("orders-service", a => a.Secret(ClusterOfSilos.Secret).Exchange().Scopes("api")).ToYaml(),
            }, Auth);
            Assert.Equal("create", Assert.Single(applied.Changes).Action);
            await new Protos.V1.Admin.AdminClient(channel).EnableAppAsync(
                new EnableAppRequest { Handler = "partner", ClientId = "orders-service", Default = true, AllowUserCreation = true }, Auth);
        }
        var again = await Poll.LastAsync(() => Exchange(cluster.Silos[0], "after-apply"), r => r.Failure is null, TimeSpan.FromSeconds(10), step: TimeSpan.FromMilliseconds(100));
        Assert.Null(again.Failure);
    }

    private static async Task<StatusCode> GetStatus(SiloProcess silo, string kind, string name)
    {
        using var channel = GrpcChannel.ForAddress(silo.Grpc);
        try
        {
            await new Protos.V1.Admin.AdminClient(channel).GetAsync(new GetRequest { Kind = kind, Name = name }, Auth);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private async Task<(ExchangeResponse? Response, RpcException? Failure)> Exchange(SiloProcess silo, string subject)
    {
        using var channel = GrpcChannel.ForAddress(silo.Grpc);
        try
        {
            return (await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(cluster.Request(subject), deadline: DateTime.UtcNow.AddSeconds(20)), null);
        }
        catch (RpcException e)
        {
            return (null, e);
        }
    }
}
