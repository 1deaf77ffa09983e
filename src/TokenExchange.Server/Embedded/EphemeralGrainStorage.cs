using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// Grain storage for <c>--ephemeral</c>: each state in Orleans' serializer in this process's memory, with an ETag per
/// state so a stale activation's write is refused as Orleans expects (<see cref="InconsistentStateException"/>), as
/// <see cref="SqliteGrainStorage"/> does on disk. The ephemeral mode is one silo, so its states need not live in
/// grains as Orleans' memory storage keeps them for a cluster: there every read and write is a grain call, and those
/// calls were about a third of what a new subject's first exchange allocated (docs/architecture.md, section 5).
/// </summary>
public sealed class EphemeralGrainStorage(string name, Serializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string StateName, GrainId Grain), (long Etag, byte[] Data)> states = [];
    private long lastEtag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        (long Etag, byte[] Data) stored;
        bool found;
        lock (gate) found = states.TryGetValue((stateName, grainId), out stored);
        if (found) StoredGrainStates.Found(grainState, serializer, stored.Data, stored.Etag);
        else StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Of the state's own size: it stays in memory as long as the state does.
        var data = StoredGrainStates.Serialize(serializer, grainState.State);
        long etag;
        lock (gate)
        {
            if (!Current(stateName, grainId, grainState.ETag)) throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
            etag = ++lastEtag;
            states[(stateName, grainId)] = (etag, data);
        }
        StoredGrainStates.Written(grainState, etag);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (gate)
        {
            if (!Current(stateName, grainId, grainState.ETag)) throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
            states.Remove((stateName, grainId));
        }
        StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    /// <summary>Whether the stored state is the one the caller read: none when it read none, else the same ETag.</summary>
    private bool Current(string stateName, GrainId grainId, string? etag) =>
        states.TryGetValue((stateName, grainId), out var stored) ? etag == StoredGrainStates.Etag(stored.Etag) : etag is null;
}
