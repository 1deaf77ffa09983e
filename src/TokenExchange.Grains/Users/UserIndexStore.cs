using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Storage;

namespace TokenExchange.Grains.Users;

/// <summary>
/// The user indexes (one attribute value's owner, or one external identity's link), read and written straight in
/// grain storage rather than through an activation per entry: a new subject's first exchange activated two index
/// grains (its link, and the attribute its handler maps by) only to read and write one small record each, and those
/// activations and their calls were about a quarter of what it allocated (docs/architecture.md, "A new subject's first
/// exchange"). The records are those <see cref="UserIndexGrain"/> kept (its storage, state name and grain id), so what
/// earlier versions stored is found, and a silo of an earlier version that still calls that grain meets the same records.
/// <para>
/// Uniqueness rests on the storage's ETags, as it did for a grain activation that might be stale: a claim reads the
/// record and writes it only if it is still the one read (a record absent when read must still be absent). Of two claims
/// racing for one entry, the storage refuses the later write (<see cref="InconsistentStateException"/>); that claim reads
/// again and answers the owner it finds.
/// </para>
/// </summary>
public sealed class UserIndexStore(
    [FromKeyedServices(StorageNames.Sessions)] GrainRecordStore records,
    GrainTypeResolver types)
{
    /// <summary>How often a claim or release reads again after losing a race; only a key changed that often fails it.</summary>
    public const int Attempts = 4;

    private const string StateName = "owner";

    // A field rather than the captured parameter, for the static (closure-free) changes OnLatest runs.
    private readonly GrainRecordStore records = records;

    // Resolved as Orleans names the grain class, so the ids are those its activations read and wrote.
    private readonly GrainType type = types.GetGrainType(typeof(UserIndexGrain));

    /// <summary>The entry's owner, or null when it has none.</summary>
    public async Task<string?> GetAsync(string key) => (await Read(key)).State?.UserId;

    /// <summary>Claims the entry for <paramref name="userId"/> if free; returns the owner after the call.</summary>
    public Task<string> ClaimAsync(string key, string userId) => OnLatest(key, userId, static async (store, key, record, userId) =>
    {
        if (record.State?.UserId is { } owner) return owner;
        record.State = new UserIndexState { UserId = userId };
        await store.records.WriteAsync(StateName, store.Id(key), record);
        return userId;
    });

    /// <summary>Frees the entry if <paramref name="userId"/> owns it.</summary>
    public Task ReleaseAsync(string key, string userId) => OnLatest(key, userId, static async (store, key, record, userId) =>
    {
        if (record.State?.UserId == userId) await store.records.ClearAsync(StateName, store.Id(key), record);
        return userId;
    });

    /// <summary>
    /// Runs <paramref name="change"/> on the entry as read now; where another writer changed it since that read (the
    /// storage refuses the stale write), reads it again and runs it again, at most <see cref="Attempts"/> times.
    /// </summary>
    private async Task<string> OnLatest(string key, string userId, Func<UserIndexStore, string, GrainState<UserIndexState>, string, Task<string>> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await change(this, key, await Read(key), userId); }
            catch (InconsistentStateException) when (attempt < Attempts) { }
        }
    }

    private Task<GrainState<UserIndexState>> Read(string key) => records.ReadAsync<UserIndexState>(StateName, Id(key));

    private GrainId Id(string key) => GrainId.Create(type, key);
}
