using TokenExchange.Definitions;

namespace TokenExchange.Grains.Definitions;

public sealed class AppGrain(
    [PersistentState("app", StorageNames.Definitions)] IPersistentState<DefinitionState<AppDefinition>> state) : Grain, IAppGrain
{
    public Task<AppDefinition?> Get() => Task.FromResult(state.State.Value);

    public async Task Put(AppDefinition definition)
    {
        if (definition.ClientId != this.GetPrimaryKeyString()) throw new ArgumentException("client id does not match the grain key");
        if (DefinitionPlanner.Same(definition, state.State.Value)) return;
        state.State = new DefinitionState<AppDefinition>(definition);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).AppChanged(definition.ClientId, exists: true);
    }

    public async Task Delete()
    {
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).AppChanged(this.GetPrimaryKeyString(), exists: false);
    }
}
