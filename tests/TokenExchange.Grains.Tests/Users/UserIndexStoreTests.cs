using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Metadata;
using Orleans.Storage;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Users;

/// <summary>
/// Index entries claimed in storage, without a grain to take the claims one at a time: uniqueness rests on the storage's
/// ETags, so a claim or release that lost a race between its read and its write reads again and never overwrites the
/// winner; entries that index grains stored (earlier versions, or an older silo during a rolling upgrade) are the same.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UserIndexStoreTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Claims_racing_for_one_entry_on_both_silos_agree_on_one_owner()
    {
        var key = "federationId/" + Unique("race");

        var owners = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => cluster.Service<UserIndexStore>(i % 2).ClaimAsync(key, $"u-{i}")));

        var owner = Assert.Single(owners.Distinct());
        Assert.Equal(owner, await cluster.Service<UserIndexStore>(0).GetAsync(key));
        Assert.Equal(owner, await cluster.Service<UserIndexStore>(1).GetAsync(key));
    }

    [Fact]
    public async Task A_claim_whose_entry_was_claimed_between_its_read_and_its_write_answers_the_winner()
    {
        var storage = new RivalStorage();
        var store = Store(storage);
        storage.AfterRead = rival => rival.Put("u-winner");

        Assert.Equal("u-winner", await store.ClaimAsync("username/taken", "u-late"));

        Assert.Equal("u-winner", await store.GetAsync("username/taken"));
    }

    [Fact]
    public async Task A_release_whose_entry_changed_owner_between_its_read_and_its_write_leaves_the_new_owner()
    {
        var storage = new RivalStorage();
        var store = Store(storage);
        Assert.Equal("u-old", await store.ClaimAsync("email/moved", "u-old"));
        storage.AfterRead = rival =>
        {
            rival.Clear();
            rival.Put("u-new");
        };

        await store.ReleaseAsync("email/moved", "u-old");

        storage.AfterRead = null;
        Assert.Equal("u-new", await store.GetAsync("email/moved"));
    }

    [Fact]
    public async Task A_claim_that_loses_every_race_fails_as_a_stale_write_rather_than_answer_an_owner_it_never_read()
    {
        var storage = new RivalStorage();
        var store = Store(storage);
        // Each read is outdated at once, by a write that leaves the entry free (as a cleared row keeps its version).
        storage.AfterRead = rival => rival.Put(null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.ClaimAsync("link/busy", "u-claimant"));

        Assert.Equal(UserIndexStore.Attempts, storage.Reads);
        storage.AfterRead = null;
        Assert.Null(await store.GetAsync("link/busy"));
    }

    [Fact]
    public async Task A_release_by_a_user_that_does_not_own_the_entry_leaves_it()
    {
        var store = cluster.Service<UserIndexStore>(0);
        var key = "email/" + Unique("kept");
        Assert.Equal("u-owner", await store.ClaimAsync(key, "u-owner"));

        await store.ReleaseAsync(key, "u-other");

        Assert.Equal("u-owner", await cluster.Service<UserIndexStore>(1).GetAsync(key));
        await store.ReleaseAsync(key, "u-owner");
        Assert.Null(await store.GetAsync(key));
        Assert.Equal("u-next", await store.ClaimAsync(key, "u-next"));
    }

    [Fact]
    public async Task Entries_that_index_grains_of_earlier_versions_stored_are_found_and_kept()
    {
        var subject = Unique("stored-earlier");
        var link = new ExternalIdentity(Partner, Idp.Issuer, subject);
        // What UserIndexGrain (grain type "userindex", state "owner", the sessions storage) wrote before this version.
        var storage = cluster.Silos[0].GetRequiredKeyedService<IGrainStorage>(StorageNames.Sessions);
        await storage.WriteStateAsync("owner", GrainId.Create("userindex", UserIndexKey.ForLink(link)), new GrainState<UserIndexState>(new UserIndexState { UserId = "u-earlier" }));

        Assert.Equal("u-earlier", await cluster.Service<GrainUserDirectory>(1).FindLinkedAsync(link));
        Assert.Equal("u-earlier", await cluster.Service<UserIndexStore>(0).ClaimAsync(UserIndexKey.ForLink(link), "u-later"));
    }

    [Fact]
    public async Task Index_grains_that_silos_of_an_earlier_version_call_meet_the_entries_this_version_keeps()
    {
        var store = cluster.Service<UserIndexStore>(0);
        var byGrain = "username/" + Unique("by-grain");
        var byStore = "username/" + Unique("by-store");

        Assert.Equal("u-grain", await cluster.Grains.GetGrain<IUserIndexGrain>(byGrain).Claim("u-grain"));
        Assert.Equal("u-store", await store.ClaimAsync(byStore, "u-store"));

        Assert.Equal("u-grain", await store.GetAsync(byGrain));
        Assert.Equal("u-grain", await store.ClaimAsync(byGrain, "u-other"));
        Assert.Equal("u-store", await cluster.Grains.GetGrain<IUserIndexGrain>(byStore).Get());
        Assert.Equal("u-store", await cluster.Grains.GetGrain<IUserIndexGrain>(byStore).Claim("u-other"));
        await cluster.Grains.GetGrain<IUserIndexGrain>(byStore).Release("u-store");
        Assert.Null(await store.GetAsync(byStore));
    }

    private UserIndexStore Store(IGrainStorage storage) =>
        new(new GrainRecordStore(storage, StorageNames.Sessions, NullLogger<GrainRecordStore>.Instance), cluster.Silos[0].GetRequiredService<GrainTypeResolver>());

    /// <summary>
    /// One index entry in memory, with ETags as the real storages keep them; after each read, a rival may change the
    /// entry (<see cref="AfterRead"/>), so the reader's ETag is stale before it writes.
    /// </summary>
    private sealed class RivalStorage : IGrainStorage
    {
        private (long Etag, string? UserId)? stored;
        private long lastEtag;

        public Action<RivalStorage>? AfterRead { get; set; }

        public int Reads { get; private set; }

        /// <summary>The rival's write: the entry now has this owner (or none) and a new ETag.</summary>
        public void Put(string? userId) => stored = (++lastEtag, userId);

        public void Clear() => stored = null;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Reads++;
            var state = (UserIndexState)(object)grainState.State!;
            state.UserId = stored?.UserId;
            grainState.ETag = stored?.Etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = stored is not null;
            AfterRead?.Invoke(this);
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Check(grainState.ETag);
            Put(((UserIndexState)(object)grainState.State!).UserId);
            grainState.ETag = lastEtag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Check(grainState.ETag);
            Clear();
            grainState.ETag = null;
            return Task.CompletedTask;
        }

        private void Check(string? etag)
        {
            var current = stored?.Etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (etag != current) throw new InconsistentStateException("stale", current ?? "none", etag ?? "none");
        }
    }
}
