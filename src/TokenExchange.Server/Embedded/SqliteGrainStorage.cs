using System.Globalization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// Orleans grain storage on the embedded SQLite database: one row per grain state, the state in Orleans'
/// own serializer (as with PostgreSQL), an ETag per row so a stale activation's write is refused as
/// Orleans expects (<see cref="InconsistentStateException"/>).
/// </summary>
public sealed class SqliteGrainStorage(string name, EmbeddedDatabase database, IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (database.Read(Key(stateName, grainId)) is var (etag, data)) StoredGrainStates.Found(grainState, serializer, data, etag);
        else StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State).ToArray();
        var etag = database.Write(Key(stateName, grainId), Expected(grainState.ETag), data)
            ?? throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
        StoredGrainStates.Written(grainState, etag);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!database.Delete(Key(stateName, grainId), Expected(grainState.ETag))) throw StoredGrainStates.Conflict(name, stateName, grainId, grainState.ETag);
        StoredGrainStates.Absent(grainState, activators);
        return Task.CompletedTask;
    }

    private GrainStateKey Key(string stateName, GrainId grainId) => new(name, stateName, grainId.Type.ToString()!, grainId.Key.ToString()!);

    private static long? Expected(string? etag) => etag is null ? null : long.Parse(etag, CultureInfo.InvariantCulture);
}
