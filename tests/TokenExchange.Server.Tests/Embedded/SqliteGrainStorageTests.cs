using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TokenExchange.Grains.Keys;
using TokenExchange.Server.Embedded;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>The grain storage on SQLite: state round trips through a reopened file, and ETags refuse a stale writer as Orleans expects.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("signingkey", "current");
    private readonly string folder = Directory.CreateTempSubdirectory("tx-sqlite-storage-").FullName;
    private readonly ServiceProvider services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<EmbeddedDatabase> opened = [];

    private string DatabasePath => Path.Combine(folder, "state.db");

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
    public async Task A_written_state_reads_back_after_the_file_is_reopened()
    {
        var written = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 7 });
        await Storage().WriteStateAsync("signing-keys", Grain, written);
        DisposeAll();
        var read = new GrainState<SigningKeyGrainState>();

        await Storage().ReadStateAsync("signing-keys", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Version);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_writer_with_a_stale_etag_is_refused_and_the_newer_state_stays()
    {
        var storage = Storage();
        var first = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 1 });
        var stale = new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 99 });
        await storage.WriteStateAsync("signing-keys", Grain, first);
        first.State!.Version = 2;
        await storage.WriteStateAsync("signing-keys", Grain, first);

        // Two activations that each believe there is no record yet: the second insert is a conflict too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("signing-keys", Grain, stale));
        stale.ETag = "1";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("signing-keys", Grain, stale));
        var read = new GrainState<SigningKeyGrainState>();
        await storage.ReadStateAsync("signing-keys", Grain, read);
        Assert.Equal(2, read.State!.Version);
    }

    [Fact]
    public async Task Clearing_removes_the_record_and_each_storage_name_and_state_name_is_a_record_of_its_own()
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
    }

    private SqliteGrainStorage Storage(string name = "definitions")
    {
        var database = opened.FirstOrDefault() ?? EmbeddedDatabase.Open(DatabasePath);
        if (opened.Count == 0) opened.Add(database);
        return new SqliteGrainStorage(name, database, new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()), services.GetRequiredService<IActivatorProvider>());
    }

    private void DisposeAll()
    {
        foreach (var database in opened) database.Dispose();
        opened.Clear();
    }

    public void Dispose()
    {
        DisposeAll();
        services.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
