using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace TokenExchange.Grains;

/// <summary>
/// Reads, writes and clears a grain's stored state straight through one of the silo's grain storages (one instance
/// per storage name, a keyed singleton), for the grains every subject activates: its session, its user, the index
/// entries and the catalog bucket of its first exchange. They do not use Orleans' <c>[PersistentState]</c> facet, which gives each
/// activation a lifecycle (an observer list, started with LINQ on every activation), a migration participant list and
/// the facet itself: about 0.3 KB of every warm subject's heap and 14 KB allocated by a new subject's first exchange
/// (docs/architecture.md, "A warm subject is one activation"). The grains with few or short-lived activations keep it.
/// What the facet did besides, this does too: a failure is logged and thrown as an <see cref="OrleansException"/> whose
/// text names the storage provider, which is how <c>OrleansFailures</c> tells a storage failure from a silo that left;
/// Orleans' own <see cref="InconsistentStateException"/> (a stale ETag) passes as it is. What it does not do: queue
/// operations (these grains are not reentrant, so their storage calls never overlap), carry the state along when
/// Orleans migrates an activation (the new one reads it from storage), or count in Orleans' storage meters
/// (which /metrics does not export).
/// </summary>
public sealed partial class GrainRecordStore(IGrainStorage storage, string storageName, ILogger<GrainRecordStore> logger)
{
    /// <summary>One store per storage the per-subject grains use, under the storage's name.</summary>
    public static void Register(IServiceCollection services)
    {
        foreach (var name in new[] { StorageNames.Sessions, StorageNames.Definitions })
        {
            services.AddKeyedSingleton(name, (provider, key) => new GrainRecordStore(
                provider.GetRequiredKeyedService<IGrainStorage>(key), (string)key!, provider.GetRequiredService<ILogger<GrainRecordStore>>()));
        }
    }

    /// <summary>Reads the record; where none is stored, the storage sets a new state and no ETag.</summary>
    public async Task ReadAsync<T>(string stateName, GrainId grain, GrainState<T> record)
    {
        try { await storage.ReadStateAsync(stateName, grain, record); }
        catch (Exception e) when (e is not OrleansException) { throw Failed(e, "read", stateName, grain); }
    }

    /// <summary>Reads the record into a new one, for callers that hold no record of their own (no activation keeps it).</summary>
    public async Task<GrainState<T>> ReadAsync<T>(string stateName, GrainId grain) where T : new()
    {
        var record = new GrainState<T>(new T());
        await ReadAsync(stateName, grain, record);
        return record;
    }

    /// <summary>Writes the record; a stale ETag (another activation wrote since) is Orleans' <see cref="InconsistentStateException"/>.</summary>
    public async Task WriteAsync<T>(string stateName, GrainId grain, GrainState<T> record)
    {
        try { await storage.WriteStateAsync(stateName, grain, record); }
        catch (Exception e) when (e is not OrleansException) { throw Failed(e, "write", stateName, grain); }
    }

    /// <summary>Deletes the record.</summary>
    public async Task ClearAsync<T>(string stateName, GrainId grain, GrainState<T> record)
    {
        try { await storage.ClearStateAsync(stateName, grain, record); }
        catch (Exception e) when (e is not OrleansException) { throw Failed(e, "clear", stateName, grain); }
    }

    private OrleansException Failed(Exception e, string operation, string stateName, GrainId grain)
    {
        LogFailed(logger, e, storageName, stateName, operation, grain);
        return new OrleansException($"Error from storage provider {storageName}.{stateName} during {operation} for grain {grain}", e);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Error from storage provider {Storage}.{StateName} during {Operation} for grain {Grain}")]
    private static partial void LogFailed(ILogger logger, Exception e, string storage, string stateName, string operation, GrainId grain);
}
