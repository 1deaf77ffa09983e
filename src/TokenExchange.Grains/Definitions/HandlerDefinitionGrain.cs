using TokenExchange.Definitions;

namespace TokenExchange.Grains.Definitions;

public sealed class HandlerDefinitionGrain(
    [PersistentState("handler", StorageNames.Definitions)] IPersistentState<DefinitionState<HandlerDefinition>> state) : Grain, IHandlerDefinitionGrain
{
    public Task<HandlerDefinition?> Get() => Task.FromResult(state.State.Value);

    public async Task Put(HandlerDefinition definition)
    {
        if (definition.Name != this.GetPrimaryKeyString()) throw new ArgumentException("handler name does not match the grain key");
        if (DefinitionPlanner.Same(definition, state.State.Value)) return;
        state.State = new DefinitionState<HandlerDefinition>(definition);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).HandlerChanged(definition.Name, exists: true);
    }

    public async Task Delete()
    {
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).HandlerChanged(this.GetPrimaryKeyString(), exists: false);
    }
}
