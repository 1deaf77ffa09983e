using TokenExchange.Abstractions;
using TokenExchange.Definitions;

namespace TokenExchange.Grains.Definitions;

public sealed class AppGrain(
    [PersistentState("app", StorageNames.Definitions)] IPersistentState<DefinitionState<AppDefinition>> state)
    : DefinitionGrain<AppDefinition>(state), IAppGrain
{
    protected override string NameOf(AppDefinition definition) => definition.ClientId;

    protected override Task NotifyRegistry(string name, bool exists) =>
        GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).AppChanged(name, exists);
}
