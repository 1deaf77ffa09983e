using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using TokenExchange.Grains.Keys;
using TokenExchange.Server.Embedded;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>The grain storage on SQLite: Orleans' contract (<see cref="GrainStorageContract"/>), and state that round trips through a reopened file.</summary>
public sealed class SqliteGrainStorageTests : GrainStorageContract
{
    private readonly string folder = Directory.CreateTempSubdirectory("tx-sqlite-storage-").FullName;
    private readonly List<EmbeddedDatabase> opened = [];

    private string DatabasePath => Path.Combine(folder, "state.db");

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

    protected override IGrainStorage Storage(string name = "definitions")
    {
        var database = opened.FirstOrDefault() ?? EmbeddedDatabase.Open(DatabasePath);
        if (opened.Count == 0) opened.Add(database);
        return new SqliteGrainStorage(name, database, new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()), Services.GetRequiredService<IActivatorProvider>());
    }

    private void DisposeAll()
    {
        foreach (var database in opened) database.Dispose();
        opened.Clear();
    }

    public override void Dispose()
    {
        DisposeAll();
        base.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
