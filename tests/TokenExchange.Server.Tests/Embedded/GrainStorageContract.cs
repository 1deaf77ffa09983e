using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using TokenExchange.Grains.Keys;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>
/// What Orleans expects of every grain storage of the embedded default (SQLite, and memory with --ephemeral): a state
/// never written reads as a new one, ETags refuse a stale writer and a stale clear, and each storage name and state
/// name is a record of its own. Each storage's test class adds what is its own.
/// </summary>
public abstract class GrainStorageContract : IDisposable
{
    protected static readonly GrainId Grain = GrainId.Create("signingkey", "current");
    protected readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    /// <summary>The storage under test, named <paramref name="name"/>; every call shares one store.</summary>
    protected abstract IGrainStorage Storage(string name = "definitions");

    [Fact]
    public async Task A_state_never_written_reads_as_a_new_one_without_a_record()
    {
        var state = new GrainState<SigningKeyGrainState>();

        await Storage().ReadStateAsync("signing-keys", Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State!.Keys);
    }

    [Fact]
    public async Task A_writer_with_a_stale_etag_is_refused_and_the_newer_state_stays()
    {
        var storage = Storage();
        var first = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 1 });
        var stale = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 99 });
        await storage.WriteStateAsync("signing-keys", Grain, first);
        var firstEtag = first.ETag;
        first.State!.Version = 2;
        await storage.WriteStateAsync("signing-keys", Grain, first);

        // Two activations that each believe there is no record yet: the second insert is a conflict too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("signing-keys", Grain, stale));
        stale.ETag = firstEtag;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("signing-keys", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("signing-keys", Grain, stale));
        var read = new GrainState<SigningKeyGrainState>();
        await storage.ReadStateAsync("signing-keys", Grain, read);
        Assert.Equal(2, read.State!.Version);
    }

    [Fact]
    public async Task Clearing_removes_the_record_and_each_storage_and_state_name_is_a_record_of_its_own()
    {
        var definitions = Storage("definitions");
        var sessions = Storage("sessions");
        var state = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 3 });
        await definitions.WriteStateAsync("signing-keys", Grain, state);
        var elsewhere = new GrainState<SigningKeyGrainState>();
        await sessions.ReadStateAsync("signing-keys", Grain, elsewhere);
        var otherName = new GrainState<SigningKeyGrainState>();
        await definitions.ReadStateAsync("other-state", Grain, otherName);

        await definitions.ClearStateAsync("signing-keys", Grain, state);
        var cleared = new GrainState<SigningKeyGrainState>();
        await definitions.ReadStateAsync("signing-keys", Grain, cleared);

        Assert.False(elsewhere.RecordExists);
        Assert.False(otherName.RecordExists);
        Assert.False(state.RecordExists);
        Assert.False(cleared.RecordExists);
        // A cleared state is written again as a new record.
        await definitions.WriteStateAsync("signing-keys", Grain, state);
        Assert.True(state.RecordExists);
    }

    public virtual void Dispose()
    {
        Services.Dispose();
        GC.SuppressFinalize(this);
    }
}
