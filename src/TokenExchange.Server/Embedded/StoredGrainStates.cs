using System.Globalization;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// What the embedded default's grain storages (<see cref="SqliteGrainStorage"/>, <see cref="EphemeralGrainStorage"/>)
/// tell Orleans once they know what is stored: the state read with its ETag, a new state when there is none, and the
/// conflict Orleans expects when a stale activation writes (<see cref="InconsistentStateException"/>).
/// </summary>
internal static class StoredGrainStates
{
    /// <summary>
    /// The state's bytes: those Orleans' <see cref="OrleansGrainStorageSerializer"/> writes (the same codec, field and
    /// expected type), so rows written before read as ever. Serialized into a pooled buffer and copied once into an array
    /// of its size, where that serializer grows an array by doubling and a storage then copies it again.
    /// </summary>
    public static byte[] Serialize<T>(Serializer serializer, T state) => serializer.SerializeToArray(state);

    public static void Found<T>(IGrainState<T> grainState, Serializer serializer, ReadOnlySpan<byte> data, long etag)
    {
        grainState.State = serializer.Deserialize<T>(data);
        grainState.ETag = Etag(etag);
        grainState.RecordExists = true;
    }

    public static void Written<T>(IGrainState<T> grainState, long etag)
    {
        grainState.ETag = Etag(etag);
        grainState.RecordExists = true;
    }

    /// <summary>No record (never written, or cleared): a new state, as Orleans' activator makes it.</summary>
    public static void Absent<T>(IGrainState<T> grainState, IActivatorProvider activators)
    {
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public static string Etag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    public static InconsistentStateException Conflict(string storage, string stateName, GrainId grainId, string? etag) =>
        new($"grain state '{stateName}' of {grainId} in storage '{storage}' changed since it was read (ETag {etag ?? "none"})", "(newer)", etag ?? "none");
}
