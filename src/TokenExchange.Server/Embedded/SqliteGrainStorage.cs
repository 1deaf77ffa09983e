using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// Orleans grain storage on the embedded SQLite database: one row per grain state, the state in Orleans'
/// own serializer (the bytes Orleans' grain storage serializer writes, as with PostgreSQL), an ETag per row so a
/// stale activation's write is refused as Orleans expects (<see cref="InconsistentStateException"/>).
/// </summary>
public sealed class SqliteGrainStorage(string name, EmbeddedDatabase database, Serializer serializer, IActivatorProvider activators) : IGrainStorage
{
    // One set of prepared statements per state name and grain type: a handful per silo, made on first use.
    private readonly ConcurrentDictionary<(string StateName, GrainType Type), GrainStateRows> rows = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (database.Read(Rows(stateName, grainId), Key(grainId)) is var (etag, data)) StoredGrainStates.Found(grainState, serializer, data, etag);
        else StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = StoredGrainStates.Serialize(serializer, grainState.State);
        var etag = database.Write(Rows(stateName, grainId), Key(grainId), Expected(grainState.ETag), data)
            ?? throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
        StoredGrainStates.Written(grainState, etag);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!database.Delete(Rows(stateName, grainId), Key(grainId), Expected(grainState.ETag))) throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
        StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    // The factory gets this storage as its argument: a lambda closing over it would be a new object on every call.
    private GrainStateRows Rows(string stateName, GrainId grainId) =>
        rows.GetOrAdd((stateName, grainId.Type), static (key, storage) => storage.Prepare(key.StateName, key.Type), this);

    private GrainStateRows Prepare(string stateName, GrainType type) => database.Rows(name, stateName, type.ToString()!);

    /// <summary>The grain key's UTF-8, the grain id's own array (Orleans never changes it): the row holds it as text.</summary>
    private static byte[] Key(GrainId grainId) => IdSpan.UnsafeGetArray(grainId.Key) ?? [];

    private static long? Expected(string? etag) => etag is null ? null : long.Parse(etag, CultureInfo.InvariantCulture);
}
