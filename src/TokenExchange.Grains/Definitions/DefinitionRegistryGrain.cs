using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Definitions;

public sealed class DefinitionRegistryGrain(
    [PersistentState("registry", StorageNames.Definitions)] IPersistentState<DefinitionRegistryState> state) : Grain, IDefinitionRegistryGrain
{
    public Task<DefinitionIndex> GetIndex() =>
        Task.FromResult(new DefinitionIndex(state.State.Version, [.. state.State.ClientIds], [.. state.State.HandlerNames]));

    public Task AppChanged(string clientId, bool exists) => Change(state.State.ClientIds, clientId, exists);

    public Task HandlerChanged(string name, bool exists) => Change(state.State.HandlerNames, name, exists);

    private async Task Change(List<string> names, string name, bool exists)
    {
        names.Remove(name);
        if (exists) names.Add(name);
        state.State.Version++;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("tx.DefinitionRegistryState")]
public sealed class DefinitionRegistryState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<string> ClientIds { get; set; } = [];
    [Id(2)] public List<string> HandlerNames { get; set; } = [];
}
