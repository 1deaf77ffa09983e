using TokenExchange.Grains.Silo;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

[Collection(ClusterCollection.Name)]
public sealed class DefinitionWriterTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Seeding_creates_what_is_missing_and_reseeding_changes_nothing()
    {
        var registry = cluster.Grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key);
        var extended = Seed with { Apps = [.. Seed.Apps, App(Unique("writer"))] };

        var before = (await registry.GetIndex()).Version;
        await cluster.Service<DefinitionWriter>(0).SeedAsync(extended);
        var afterChange = (await registry.GetIndex()).Version;
        await cluster.Service<DefinitionWriter>(1).SeedAsync(extended);
        await cluster.Service<DefinitionWriter>(0).SeedAsync(Seed);
        var afterReseed = (await registry.GetIndex()).Version;

        Assert.Equal(before + 1, afterChange);
        Assert.Equal(afterChange, afterReseed);
    }

    [Fact]
    public async Task Seeding_never_overwrites_a_definition_changed_since()
    {
        var clientId = Unique("seeded");
        var app = App(clientId);
        await cluster.Service<DefinitionWriter>(0).SeedAsync(Seed with { Apps = [app], Handlers = [], Users = [] });
        await cluster.Grains.GetGrain<IAppGrain>(clientId).Put(app with { TokenExchangeEnabled = false });

        await cluster.Service<DefinitionWriter>(1).SeedAsync(Seed with { Apps = [app], Handlers = [], Users = [] });

        Assert.False((await cluster.Grains.GetGrain<IAppGrain>(clientId).Get())!.TokenExchangeEnabled);
    }
}
