using Microsoft.Data.Sqlite;
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

    [Fact]
    public async Task A_state_is_stored_in_the_bytes_of_Orleans_grain_storage_serializer_under_its_key_as_text()
    {
        var state = new SigningKeyGrainState { Version = 11 };
        var grain = GrainId.Create("signingkey", "ünïcode|key 'quoted'");

        await Storage().WriteStateAsync("signing-keys", grain, new GrainState<SigningKeyGrainState>(state));

        var rows = RawRows();
        var row = Assert.Single(rows);
        Assert.Equal(("definitions", "signing-keys", "signingkey", "ünïcode|key 'quoted'", "text"), (row.Storage, row.StateName, row.GrainType, row.GrainKey, row.KeyType));
        // Databases written before (with OrleansGrainStorageSerializer) hold these very bytes.
        Assert.Equal(new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()).Serialize(state).ToArray(), row.Data);
    }

    [Fact]
    public async Task A_row_an_earlier_version_wrote_with_its_key_bound_as_text_is_read_updated_and_cleared()
    {
        var state = new SigningKeyGrainState { Version = 5 };
        Storage();
        using (var connection = Connection())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO grain_state (storage, state_name, grain_type, grain_key, etag, data) VALUES ('definitions', 'signing-keys', 'signingkey', $key, 41, $data)";
            insert.Parameters.AddWithValue("$key", "current");
            insert.Parameters.AddWithValue("$data", new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()).Serialize(state).ToArray());
            insert.ExecuteNonQuery();
        }
        var read = new GrainState<SigningKeyGrainState>();

        await Storage().ReadStateAsync("signing-keys", Grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(("41", 5), (read.ETag, read.State!.Version));
        read.State.Version = 6;
        await Storage().WriteStateAsync("signing-keys", Grain, read);
        Assert.Equal(6, new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()).Deserialize<SigningKeyGrainState>(new BinaryData(Assert.Single(RawRows()).Data))!.Version);
        await Storage().ClearStateAsync("signing-keys", Grain, read);
        Assert.Empty(RawRows());
    }

    [Fact]
    public void A_read_searches_the_primary_key_and_never_scans_the_table()
    {
        Storage();
        var database = opened[0];

        var plan = database.ReadPlan(database.Rows("definitions", "signing-keys", "signingkey"));

        Assert.StartsWith("SEARCH grain_state USING INDEX", plan);
        Assert.Contains("grain_key=?", plan);
    }

    [Fact]
    public async Task A_read_that_found_its_row_holds_no_read_open_so_the_log_can_be_checkpointed_whole()
    {
        var storage = Storage();
        await storage.WriteStateAsync("signing-keys", Grain, new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 3 }));
        var read = new GrainState<SigningKeyGrainState>();
        await storage.ReadStateAsync("signing-keys", Grain, read);
        Assert.True(read.RecordExists);

        // A statement left on its row would pin the WAL snapshot: the checkpoint would report itself blocked (busy = 1).
        using var connection = Connection();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var result = checkpoint.ExecuteReader();
        Assert.True(result.Read());
        Assert.Equal(0L, result.GetInt64(0));
    }

    [Fact]
    public async Task Names_with_quotes_are_written_as_they_are_and_a_name_with_a_NUL_is_refused()
    {
        var storage = Storage("it's");
        await storage.WriteStateAsync("state 'x'", Grain, new GrainState<SigningKeyGrainState>(new SigningKeyGrainState { Version = 1 }));
        var read = new GrainState<SigningKeyGrainState>();
        await storage.ReadStateAsync("state 'x'", Grain, read);

        Assert.Equal(1, read.State!.Version);
        Assert.Equal(("it's", "state 'x'"), (RawRows()[0].Storage, RawRows()[0].StateName));
        Assert.Throws<ArgumentException>(() => opened[0].Rows("definitions", "nul\0name", "signingkey"));
    }

    private List<(string Storage, string StateName, string GrainType, string GrainKey, string KeyType, byte[] Data)> RawRows()
    {
        using var connection = Connection();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT storage, state_name, grain_type, grain_key, typeof(grain_key), data FROM grain_state";
        using var reader = select.ExecuteReader();
        var rows = new List<(string, string, string, string, string, byte[])>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), (byte[])reader.GetValue(5)));
        return rows;
    }

    /// <summary>A second connection to the file, as an earlier version or an operator's sqlite3 would open it (WAL: it sees every commit).</summary>
    private SqliteConnection Connection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    protected override IGrainStorage Storage(string name = "definitions")
    {
        var database = opened.FirstOrDefault() ?? EmbeddedDatabase.Open(DatabasePath);
        if (opened.Count == 0) opened.Add(database);
        return new SqliteGrainStorage(name, database, Services.GetRequiredService<Serializer>(), Services.GetRequiredService<IActivatorProvider>());
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
