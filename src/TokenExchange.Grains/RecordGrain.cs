namespace TokenExchange.Grains;

/// <summary>
/// A grain whose stored state goes through <see cref="GrainRecordStore"/> rather than Orleans' [PersistentState]
/// facet (the store says why): read on activation, written by <see cref="Save"/>, deleted by <see cref="Clear"/>.
/// The state name is a property, not a field, so an activation holds nothing more than the record.
/// </summary>
public abstract class RecordGrain<TState>(GrainRecordStore records) : Grain where TState : class, new()
{
    private readonly GrainState<TState> stored = new(new TState());

    /// <summary>The stored state's name (with the grain id, its key in storage).</summary>
    protected abstract string StateName { get; }

    /// <summary>The stored state; a storage that finds no record may leave none, and then it starts empty.</summary>
    protected TState State => stored.State ??= new TState();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => records.ReadAsync(StateName, this.GetGrainId(), stored);

    protected Task Save() => records.WriteAsync(StateName, this.GetGrainId(), stored);

    /// <summary>Deletes the record; the state starts empty again.</summary>
    protected async Task Clear()
    {
        await records.ClearAsync(StateName, this.GetGrainId(), stored);
        stored.State = new TState();
    }
}
