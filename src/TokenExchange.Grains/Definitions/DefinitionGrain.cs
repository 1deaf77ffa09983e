using TokenExchange.Definitions;

namespace TokenExchange.Grains.Definitions;

/// <summary>
/// What the app and handler grains share: one stored definition (or a remembered deletion), and the registry
/// told of every change so every silo's cache follows.
/// </summary>
public abstract class DefinitionGrain<T>(IPersistentState<DefinitionState<T>> state) : Grain where T : class
{
    /// <summary>The definition's name, which must be the grain's key.</summary>
    protected abstract string NameOf(T definition);

    /// <summary>Tells the registry that the definition now exists, or no longer does.</summary>
    protected abstract Task NotifyRegistry(string name, bool exists);

    public Task<T?> Get() => Task.FromResult(state.State.Value);

    public Task<bool> IsDeleted() => Task.FromResult(state.State.Deleted);

    public async Task Put(T definition)
    {
        if (NameOf(definition) != this.GetPrimaryKeyString()) throw new ArgumentException("the definition's name does not match the grain key");
        if (DefinitionPlanner.Same(definition, state.State.Value)) return;
        await Store(new DefinitionState<T>(definition));
    }

    public async Task<bool> Seed(T definition)
    {
        if (state.State.Value is not null || state.State.Deleted) return false;
        await Put(definition);
        return true;
    }

    public Task Delete() => Store(new DefinitionState<T>(null, Deleted: true));

    public async Task Forget()
    {
        if (state.State.Value is null && !state.State.Deleted) return;
        await state.ClearStateAsync();
        await NotifyRegistry(this.GetPrimaryKeyString(), exists: false);
    }

    private async Task Store(DefinitionState<T> next)
    {
        state.State = next;
        await state.WriteStateAsync();
        await NotifyRegistry(this.GetPrimaryKeyString(), exists: next.Value is not null);
    }
}
