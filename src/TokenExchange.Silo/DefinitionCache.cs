using Microsoft.Extensions.Logging;
using TokenExchange.Abstractions;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;

namespace TokenExchange.Silo;

/// <summary>
/// This silo's snapshot of all app and handler definitions. It polls the registry's version (one call
/// per interval per silo) and reloads on change, so a change made through any silo is seen everywhere
/// within about one interval. Exchanges read the snapshot without locks or grain calls.
/// </summary>
public sealed class DefinitionCache(IGrainFactory grains, HandlerRuntime handlers, ILogger<DefinitionCache> logger) : IDefinitionSource
{
    private DefinitionSnapshot snapshot = DefinitionSnapshot.Empty;

    public DefinitionSnapshot Snapshot => Volatile.Read(ref snapshot);

    /// <summary>Reloads if the registry's version changed; returns whether it did.</summary>
    public async Task<bool> RefreshAsync()
    {
        var index = await grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).GetIndex();
        if (index.Version == Snapshot.Version && index.Version != 0) return false;
        var apps = await Task.WhenAll(index.ClientIds.Select(id => grains.GetGrain<IAppGrain>(id).Get()));
        var definitions = await Task.WhenAll(index.HandlerNames.Select(name => grains.GetGrain<IHandlerDefinitionGrain>(name).Get()));
        var fresh = new DefinitionSnapshot(index.Version, apps.OfType<AppDefinition>(), definitions.OfType<HandlerDefinition>());
        Volatile.Write(ref snapshot, fresh);
        handlers.Update(fresh);
        logger.LogInformation("Definitions version {Version}: {Apps} apps, {Handlers} handlers", fresh.Version, fresh.Apps.Count, fresh.Handlers.Count);
        return true;
    }
}
