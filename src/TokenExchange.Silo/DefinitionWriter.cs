using Microsoft.Extensions.Logging;
using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Grains.Users;

namespace TokenExchange.Silo;

/// <summary>
/// Seeds the cluster from the server's configuration file, at every start of a silo. Seeding is a bootstrap,
/// not a reconciler: it creates the apps, handlers and users the file declares that the cluster has never had,
/// leaves existing ones alone (later changes go through the admin API, which a restart must not undo), and
/// never re-creates an app or handler deleted through the admin API (the definition grain remembers the
/// deletion; <c>txctl apply</c> re-creates it on purpose).
/// </summary>
public sealed class DefinitionWriter(IGrainFactory grains, GrainUserDirectory users, ILogger<DefinitionWriter> logger)
{
    public async Task SeedAsync(ClusterDefinitions definitions)
    {
        foreach (var app in definitions.Apps)
        {
            var grain = grains.GetGrain<IAppGrain>(app.ClientId);
            if (!await grain.Seed(app) && await grain.IsDeleted())
                logger.LogInformation("App {ClientId} of the configuration file is not created: it was deleted through the admin API (txctl apply re-creates it)", app.ClientId);
        }
        var (apps, handlers) = await LoadAsync();
        foreach (var handler in definitions.Handlers)
        {
            var grain = grains.GetGrain<IHandlerDefinitionGrain>(handler.Name);
            if (handlers.Any(h => h.Name == handler.Name)) continue;
            if (await grain.IsDeleted())
            {
                logger.LogInformation("Handler {Handler} of the configuration file is not created: it was deleted through the admin API (txctl apply re-creates it)", handler.Name);
                continue;
            }
            // A handler new to the cluster must fit what the cluster has become (an app it enables may have been deleted).
            var problems = DefinitionRules.Check(apps, [.. handlers, handler], []).ToList();
            if (problems.Count > 0)
            {
                logger.LogWarning("Handler {Handler} of the configuration file is not created: {Problems}", handler.Name, string.Join("; ", problems));
                continue;
            }
            if (await grain.Seed(handler)) handlers = [.. handlers, handler];
        }
        foreach (var user in definitions.Users)
        {
            if (await users.GetAsync(user.Id) is not null) continue;
            if (await users.PutAsync(user) is { } conflict)
                throw new ConfigException([$"user '{user.Id}': {conflict}"]);
        }
    }

    private async Task<(IReadOnlyList<AppDefinition> Apps, IReadOnlyList<HandlerDefinition> Handlers)> LoadAsync()
    {
        var index = await grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).GetIndex();
        var apps = await Task.WhenAll(index.ClientIds.Select(id => grains.GetGrain<IAppGrain>(id).Get()));
        var handlers = await Task.WhenAll(index.HandlerNames.Select(name => grains.GetGrain<IHandlerDefinitionGrain>(name).Get()));
        return ([.. apps.OfType<AppDefinition>()], [.. handlers.OfType<HandlerDefinition>()]);
    }
}
