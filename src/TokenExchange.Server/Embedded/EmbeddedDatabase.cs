using Microsoft.Data.Sqlite;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Embedded;

/// <summary>
/// The embedded mode's SQLite database: one table of grain states keyed by (storage, state name, grain type,
/// grain key), each row with an ETag. One connection in WAL mode serves the whole silo: SQLite writes one
/// transaction at a time anyway, and a statement on a warm page cache takes microseconds.
/// </summary>
/// <remarks>
/// <c>synchronous=NORMAL</c> in WAL mode: a committed write survives the process being killed (it is in the
/// operating system's cache); only a power cut may lose the last transactions, never corrupt the file.
/// </remarks>
public sealed class EmbeddedDatabase : IDisposable
{
    /// <summary>The schema this code writes; a database made by a newer one is refused rather than misread.</summary>
    private const int SchemaVersion = 1;

    private readonly Lock gate = new();
    private readonly SqliteConnection connection;
    private readonly SqliteCommand select;
    private readonly SqliteCommand insert;
    private readonly SqliteCommand update;
    private readonly SqliteCommand delete;
    private long lastEtag;

    private EmbeddedDatabase(SqliteConnection connection)
    {
        this.connection = connection;
        const string key = "storage = $storage AND state_name = $state AND grain_type = $type AND grain_key = $key";
        select = Prepare($"SELECT etag, data FROM grain_state WHERE {key}");
        insert = Prepare("INSERT INTO grain_state (storage, state_name, grain_type, grain_key, etag, data) VALUES ($storage, $state, $type, $key, $etag, $data) ON CONFLICT DO NOTHING");
        update = Prepare($"UPDATE grain_state SET etag = $etag, data = $data WHERE {key} AND etag = $expected");
        delete = Prepare($"DELETE FROM grain_state WHERE {key} AND etag = $expected");
        using var max = connection.CreateCommand();
        max.CommandText = "SELECT coalesce(max(etag), 0) FROM grain_state";
        lastEtag = (long)max.ExecuteScalar()!;
    }

    /// <summary>
    /// Opens (or creates) the database. An existing file is checked before anything is written to it: one
    /// that is not a database, damaged, or not this project's fails start-up and is left as it was.
    /// </summary>
    /// <exception cref="StartupFailure">The file cannot be opened or used.</exception>
    public static EmbeddedDatabase Open(string path)
    {
        var exists = File.Exists(path) || Directory.Exists(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            if (exists) Check(connection, path);
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS grain_state (
                    storage    TEXT    NOT NULL,
                    state_name TEXT    NOT NULL,
                    grain_type TEXT    NOT NULL,
                    grain_key  TEXT    NOT NULL,
                    etag       INTEGER NOT NULL,
                    data       BLOB    NOT NULL,
                    PRIMARY KEY (storage, state_name, grain_type, grain_key));
                PRAGMA user_version = {SchemaVersion};
                """);
            return new EmbeddedDatabase(connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Unusable(path, e.Message, e);
        }
        catch (StartupFailure)
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The stored state, or null when there is none.</summary>
    public (long Etag, byte[] Data)? Read(GrainStateKey key)
    {
        lock (gate)
        {
            Bind(select, key);
            using var reader = select.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
        }
    }

    /// <summary>Writes the state if the stored ETag is still <paramref name="expected"/> (null: no row yet); returns the new ETag, or null on a conflict.</summary>
    public long? Write(GrainStateKey key, long? expected, byte[] data)
    {
        lock (gate)
        {
            var command = expected is null ? insert : update;
            var etag = ++lastEtag;
            Bind(command, key);
            command.Parameters["$etag"].Value = etag;
            command.Parameters["$data"].Value = data;
            if (expected is { } value) command.Parameters["$expected"].Value = value;
            return command.ExecuteNonQuery() == 1 ? etag : null;
        }
    }

    /// <summary>Deletes the state if its ETag is still <paramref name="expected"/>; false on a conflict.</summary>
    public bool Delete(GrainStateKey key, long? expected)
    {
        lock (gate)
        {
            if (expected is not { } value)
            {
                Bind(select, key);
                using var reader = select.ExecuteReader();
                return !reader.Read();
            }
            Bind(delete, key);
            delete.Parameters["$expected"].Value = value;
            return delete.ExecuteNonQuery() == 1;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var command in new[] { select, insert, update, delete }) command.Dispose();
            connection.Dispose();
        }
    }

    private static void Check(SqliteConnection connection, string path)
    {
        var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version"));
        if (version > SchemaVersion)
            throw Unusable(path, $"it was written by a newer version of this server (schema {version}, this one knows {SchemaVersion})");
        if (version == 0 && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master")) > 0)
            throw Unusable(path, "it is an SQLite database of something else");
        // quick_check reads every page: a damaged file is found now, not by the first exchange that touches it.
        if (Scalar(connection, "PRAGMA quick_check") is not "ok" and var problem)
            throw Unusable(path, $"it is damaged ({string.Join("; ", $"{problem}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => !line.StartsWith("***", StringComparison.Ordinal)))})");
    }

    private static StartupFailure Unusable(string path, string reason, Exception? inner = null) =>
        new(StartupExitCodes.StateUnusable,
            $"the embedded database '{path}' cannot be used: {reason} (it is left as it was: restore a backup, or move it away to start afresh)", inner);

    private SqliteCommand Prepare(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in new[] { "$storage", "$state", "$type", "$key", "$etag", "$data", "$expected" })
        {
            if (sql.Contains(name, StringComparison.Ordinal)) command.Parameters.Add(new SqliteParameter(name, null));
        }
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, GrainStateKey key)
    {
        command.Parameters["$storage"].Value = key.Storage;
        command.Parameters["$state"].Value = key.StateName;
        command.Parameters["$type"].Value = key.GrainType;
        command.Parameters["$key"].Value = key.GrainKey;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

/// <summary>Which grain state a row holds: the storage provider, the state's name, and the grain's type and key.</summary>
public readonly record struct GrainStateKey(string Storage, string StateName, string GrainType, string GrainKey);
