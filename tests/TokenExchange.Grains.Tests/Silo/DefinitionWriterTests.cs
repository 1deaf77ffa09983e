using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Silo;
using TokenExchange.Silo.Admin;
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
    [Fact]
    public async Task An_app_and_a_handler_deleted_through_the_admin_api_are_not_seeded_again_until_applied()
    {
        var app = App(Unique("tombstone-app"));
        var handler = Handler(Unique("tombstone-handler"), new HandlerAppEnablement { ClientId = app.ClientId });
        var file = Seed with { Apps = [app], Handlers = [handler], Users = [] };
        await cluster.Service<DefinitionWriter>(0).SeedAsync(file);
        var admin = cluster.Service<DefinitionAdmin>(0);
        await admin.DeleteAsync(DefinitionPlanner.Handler, handler.Name);
        await admin.DeleteAsync(DefinitionPlanner.App, app.ClientId);

        // Every silo seeds at its start: a restart, a scale-out.
        await cluster.Service<DefinitionWriter>(0).SeedAsync(file);
        await cluster.Service<DefinitionWriter>(1).SeedAsync(file);

        Assert.Null(await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Get());
        Assert.Null(await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Get());
        var (apps, handlers) = await admin.LoadAsync();
        Assert.DoesNotContain(apps, a => a.ClientId == app.ClientId);
        Assert.DoesNotContain(handlers, h => h.Name == handler.Name);

        // txctl apply re-creates them on purpose, and then they are as any other definition.
        await admin.ApplyAsync(new TokenExchange.Configuration.ClusterDefinitions([app], [handler], []), prune: false, dryRun: false);
        Assert.False(await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).IsDeleted());
        Assert.True(DefinitionPlanner.Same(app, await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Get()));
        Assert.True(DefinitionPlanner.Same(handler, await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Get()));
    }

    [Fact]
    public async Task Definitions_the_file_gains_later_are_created_but_a_new_handler_enabling_a_deleted_app_is_not()
    {
        var kept = App(Unique("seed-kept"));
        var deleted = App(Unique("seed-deleted"));
        await cluster.Service<DefinitionWriter>(0).SeedAsync(Seed with { Apps = [kept, deleted], Handlers = [], Users = [] });
        await cluster.Service<DefinitionAdmin>(0).DeleteAsync(DefinitionPlanner.App, deleted.ClientId);
        var added = App(Unique("seed-added"));
        var addedHandler = Handler(Unique("seed-added-handler"), new HandlerAppEnablement { ClientId = added.ClientId });
        var orphan = Handler(Unique("seed-orphan"), new HandlerAppEnablement { ClientId = deleted.ClientId });

        await cluster.Service<DefinitionWriter>(1).SeedAsync(Seed with { Apps = [kept, deleted, added], Handlers = [addedHandler, orphan], Users = [] });

        Assert.NotNull(await cluster.Grains.GetGrain<IAppGrain>(added.ClientId).Get());
        Assert.NotNull(await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(addedHandler.Name).Get());
        Assert.Null(await cluster.Grains.GetGrain<IAppGrain>(deleted.ClientId).Get());
        // It would enable an app that no longer exists, which every later admin change would be refused for.
        Assert.Null(await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(orphan.Name).Get());
    }
}
