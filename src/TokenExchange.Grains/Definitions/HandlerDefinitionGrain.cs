using TokenExchange.Abstractions;
using TokenExchange.Definitions;

namespace TokenExchange.Grains.Definitions;

public sealed class HandlerDefinitionGrain(
    [PersistentState("handler", StorageNames.Definitions)] IPersistentState<DefinitionState<HandlerDefinition>> state)
    : DefinitionGrain<HandlerDefinition>(state), IHandlerDefinitionGrain
{
    protected override string NameOf(HandlerDefinition definition) => definition.Name;

    protected override Task NotifyRegistry(string name, bool exists) =>
        GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).HandlerChanged(name, exists);
}
