using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

/// <summary>Changes made through a definition grain reach every silo's cache, and exchanges follow them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DefinitionCacheTests(ClusterFixture cluster)
{
    [Fact]
    public async Task App_change_reaches_both_silos_within_two_seconds_and_refuses_its_exchanges()
    {
        var (app, _) = await DefineAppWithOwnHandlerAsync();
        foreach (var silo in new[] { 0, 1 })
            Assert.Null((await cluster.ExchangeAsync(silo, Request(app.ClientId, "alice-ext-1"))).Error);

        await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Put(app with { TokenExchangeEnabled = false });
        var took = await cluster.UntilAllCachesAsync(
            s => s.Apps.TryGetValue(app.ClientId, out var cached) && !cached.TokenExchangeEnabled, "the disabled app in every cache");

        Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}");
        foreach (var silo in new[] { 0, 1 })
        {
            var outcome = await cluster.ExchangeAsync(silo, Request(app.ClientId, "alice-ext-1"));
            Assert.Equal(OAuthErrorCodes.UnauthorizedClient, outcome.Error?.Code);
            Assert.Equal("token exchange is not enabled for this client", outcome.Error?.Description);
        }
    }

    [Fact]
    public async Task Disabled_handler_refuses_exchanges_on_both_silos_until_enabled_again()
    {
        var (app, handler) = await DefineAppWithOwnHandlerAsync();
        var grain = cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name);

        await grain.Put(handler with { Enabled = false });
        await cluster.UntilAllCachesAsync(s => s.Handlers.TryGetValue(handler.Name, out var h) && !h.Enabled, "the disabled handler in every cache");
        foreach (var silo in new[] { 0, 1 })
        {
            var outcome = await cluster.ExchangeAsync(silo, Request(app.ClientId, "alice-ext-1"));
            Assert.Equal(OAuthErrorCodes.UnauthorizedClient, outcome.Error?.Code);
            Assert.Equal("the token handler is disabled", outcome.Error?.Description);
        }

        await grain.Put(handler);
        await cluster.UntilAllCachesAsync(s => s.Handlers.TryGetValue(handler.Name, out var h) && h.Enabled, "the re-enabled handler in every cache");
        foreach (var silo in new[] { 0, 1 })
            Assert.Equal("u-alice", (await cluster.ExchangeAsync(silo, Request(app.ClientId, "alice-ext-1"))).UserId);
    }

    [Fact]
    public async Task Registry_lists_apps_and_handlers_and_a_deleted_app_leaves_index_and_caches()
    {
        var seeded = await cluster.Grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).GetIndex();
        Assert.Contains(Orders, seeded.ClientIds);
        Assert.Contains(Billing, seeded.ClientIds);
        Assert.Contains(Partner, seeded.HandlerNames);

        var (app, handler) = await DefineAppWithOwnHandlerAsync();
        var registry = cluster.Grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key);
        var index = await registry.GetIndex();
        Assert.Contains(app.ClientId, index.ClientIds);
        Assert.Contains(handler.Name, index.HandlerNames);
        Assert.Single(index.ClientIds, id => id == app.ClientId);

        await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Delete();

        var after = await registry.GetIndex();
        Assert.DoesNotContain(app.ClientId, after.ClientIds);
        Assert.True(after.Version > index.Version);
        Assert.Null(await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Get());
        await cluster.UntilAllCachesAsync(s => !s.Apps.ContainsKey(app.ClientId), "the deleted app gone from every cache");
        foreach (var silo in new[] { 0, 1 })
        {
            var outcome = await cluster.ExchangeAsync(silo, Request(app.ClientId, "alice-ext-1"));
            Assert.Equal(OAuthErrorCodes.InvalidClient, outcome.Error?.Code);
        }

        // Leave the shared cluster consistent: no handler enabled for an app that is gone.
        await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Delete();
    }

    /// <summary>A fresh app with its own default handler, so a test can change them without touching the others.</summary>
    private async Task<(AppDefinition App, HandlerDefinition Handler)> DefineAppWithOwnHandlerAsync()
    {
        var app = App(Unique("app"));
        var handler = Handler(Unique("handler"), new HandlerAppEnablement { ClientId = app.ClientId, Default = true });
        await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Put(app);
        await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Put(handler);
        await cluster.UntilAllCachesAsync(s => s.Apps.ContainsKey(app.ClientId) && s.Handlers.ContainsKey(handler.Name), "the new app and handler in every cache");
        return (app, handler);
    }
}
