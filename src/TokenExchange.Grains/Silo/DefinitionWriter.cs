using TokenExchange.Configuration;
using TokenExchange.Grains.Users;

namespace TokenExchange.Grains.Silo;

/// <summary>Writes definitions from a configuration file into the cluster's grains (create or update).</summary>
public sealed class DefinitionWriter(IGrainFactory grains, GrainUserDirectory users)
{
    public async Task ApplyAsync(ClusterDefinitions definitions)
    {
        foreach (var app in definitions.Apps) await grains.GetGrain<IAppGrain>(app.ClientId).Put(app);
        foreach (var handler in definitions.Handlers) await grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Put(handler);
        foreach (var user in definitions.Users)
        {
            if (await users.PutAsync(user) is { } conflict)
                throw new ConfigException([$"user '{user.Id}': {conflict}"]);
        }
    }
}
