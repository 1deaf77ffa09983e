using TokenExchange.Grains.Silo;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

[Collection(ClusterCollection.Name)]
public sealed class DefinitionWriterTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Reapplying_the_same_definitions_does_not_change_the_registry_version()
    {
        var registry = cluster.Grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key);
        var extended = Seed with { Apps = [.. Seed.Apps, App(Unique("writer"))] };

        var before = (await registry.GetIndex()).Version;
        await cluster.Service<DefinitionWriter>(0).ApplyAsync(extended);
        var afterChange = (await registry.GetIndex()).Version;
        await cluster.Service<DefinitionWriter>(1).ApplyAsync(extended);
        await cluster.Service<DefinitionWriter>(0).ApplyAsync(Seed);
        var afterReapply = (await registry.GetIndex()).Version;

        Assert.Equal(before + 1, afterChange);
        Assert.Equal(afterChange, afterReapply);
    }
}
