using TokenExchange.Configuration;
using TokenExchange.Grains.Users;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// Seeds the cluster from the server's configuration file: creates the apps, handlers and users it
/// declares that do not exist yet, and leaves existing ones alone. On a durable cluster the file is the
/// starting point; later changes go through the admin API (txctl apply), which a restart must not undo.
/// </summary>
public sealed class DefinitionWriter(IGrainFactory grains, GrainUserDirectory users)
{
    public async Task SeedAsync(ClusterDefinitions definitions)
    {
        foreach (var app in definitions.Apps)
        {
            var grain = grains.GetGrain<IAppGrain>(app.ClientId);
            if (await grain.Get() is null) await grain.Put(app);
        }
        foreach (var handler in definitions.Handlers)
        {
            var grain = grains.GetGrain<IHandlerDefinitionGrain>(handler.Name);
            if (await grain.Get() is null) await grain.Put(handler);
        }
        foreach (var user in definitions.Users)
        {
            if (await users.GetAsync(user.Id) is not null) continue;
            if (await users.PutAsync(user) is { } conflict)
                throw new ConfigException([$"user '{user.Id}': {conflict}"]);
        }
    }
}
