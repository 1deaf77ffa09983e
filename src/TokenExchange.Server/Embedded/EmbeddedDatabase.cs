using Microsoft.Data.Sqlite;
using SQLitePCL;
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
    private readonly List<GrainStateRows> prepared = [];
    private long lastEtag;

    private EmbeddedDatabase(SqliteConnection connection)
    {
        this.connection = connection;
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

    /// <summary>
    /// The statements of one (storage, state name, grain type), prepared once: its rows differ only by grain key. The
    /// three names are written into the statements rather than bound on every call, as SQLite's binding costs a
    /// binder object and a UTF-8 copy per parameter per call (a new subject's first exchange reads and writes several
    /// states; issue 15).
    /// </summary>
    /// <exception cref="ArgumentException">A name holds a NUL character (SQLite's text would end there).</exception>
    public GrainStateRows Rows(string storage, string stateName, string grainType)
    {
        lock (gate)
        {
            var rows = new GrainStateRows(connection, storage, stateName, grainType);
            prepared.Add(rows);
            return rows;
        }
    }

    /// <summary>The stored state of the grain whose key's UTF-8 is <paramref name="grainKey"/>, or null when there is none.</summary>
    public (long Etag, byte[] Data)? Read(GrainStateRows rows, byte[] grainKey)
    {
        lock (gate)
        {
            var select = rows.Select;
            try
            {
                select.Bind(select.Key, grainKey);
                return select.Step() ? (raw.sqlite3_column_int64(select.Handle, 0), raw.sqlite3_column_blob(select.Handle, 1).ToArray()) : null;
            }
            finally
            {
                select.Reset();
            }
        }
    }

    /// <summary>Writes the state if the stored ETag is still <paramref name="expected"/> (null: no row yet); returns the new ETag, or null on a conflict.</summary>
    public long? Write(GrainStateRows rows, byte[] grainKey, long? expected, byte[] data)
    {
        lock (gate)
        {
            var statement = expected is null ? rows.Insert : rows.Update;
            var etag = lastEtag + 1;
            try
            {
                statement.Bind(statement.Key, grainKey);
                statement.Bind(statement.Etag, etag);
                statement.Bind(statement.Data, data);
                if (expected is { } value) statement.Bind(statement.Expected, value);
                statement.Step();
                if (raw.sqlite3_changes(connection.Handle) != 1) return null;
                lastEtag = etag;
                return etag;
            }
            finally
            {
                statement.Reset();
            }
        }
    }

    /// <summary>Deletes the state if its ETag is still <paramref name="expected"/>; false on a conflict.</summary>
    public bool Delete(GrainStateRows rows, byte[] grainKey, long? expected)
    {
        lock (gate)
        {
            var statement = expected is null ? rows.Select : rows.Delete;
            try
            {
                statement.Bind(statement.Key, grainKey);
                // No ETag: nothing may be stored (a row found is a conflict).
                if (expected is not { } value) return !statement.Step();
                statement.Bind(statement.Expected, value);
                statement.Step();
                return raw.sqlite3_changes(connection.Handle) == 1;
            }
            finally
            {
                statement.Reset();
            }
        }
    }

    /// <summary>How SQLite runs a read (EXPLAIN QUERY PLAN), for the test that it searches the primary key rather than scanning the table.</summary>
    public string ReadPlan(GrainStateRows rows)
    {
        lock (gate)
        {
            using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + rows.Select.Sql;
            explain.Parameters.AddWithValue("$key", Array.Empty<byte>());
            using var reader = explain.ExecuteReader();
            var plan = new List<string>();
            while (reader.Read()) plan.Add(reader.GetString(3));
            return string.Join("; ", plan);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var rows in prepared) rows.Dispose();
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

/// <summary>
/// The prepared statements of one (storage, state name, grain type) of the <see cref="EmbeddedDatabase"/>, which runs
/// them under its lock. The grain key is bound as its UTF-8 bytes (the grain id's own array, no string made) and read
/// as text by <c>CAST</c>: a BLOB never equals TEXT in SQLite, and the rows hold the key as text.
/// </summary>
public sealed class GrainStateRows : IDisposable
{
    internal GrainStateRows(SqliteConnection connection, string storage, string stateName, string grainType)
    {
        var key = $"storage = {Literal(storage)} AND state_name = {Literal(stateName)} AND grain_type = {Literal(grainType)} AND grain_key = CAST($key AS TEXT)";
        Select = new(connection, $"SELECT etag, data FROM grain_state WHERE {key}");
        Insert = new(connection, $"INSERT INTO grain_state (storage, state_name, grain_type, grain_key, etag, data) VALUES ({Literal(storage)}, {Literal(stateName)}, {Literal(grainType)}, CAST($key AS TEXT), $etag, $data) ON CONFLICT DO NOTHING");
        Update = new(connection, $"UPDATE grain_state SET etag = $etag, data = $data WHERE {key} AND etag = $expected");
        Delete = new(connection, $"DELETE FROM grain_state WHERE {key} AND etag = $expected");
    }

    internal PreparedStatement Select { get; }
    internal PreparedStatement Insert { get; }
    internal PreparedStatement Update { get; }
    internal PreparedStatement Delete { get; }

    public void Dispose()
    {
        foreach (var statement in new[] { Select, Insert, Update, Delete }) statement.Dispose();
    }

    /// <summary>An SQL string literal: quotes doubled. The names are this server's own (storage, state and grain type names), never a caller's.</summary>
    private static string Literal(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException($"a grain state name holds a NUL character: '{value.Replace('\0', '?')}'", nameof(value));
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}

/// <summary>
/// One statement prepared on the database's connection and run through SQLite's own API (SQLitePCL, which
/// Microsoft.Data.Sqlite runs on): a command of Microsoft.Data.Sqlite allocates a binder per parameter, a reader,
/// a record and an enumerator on every execution, about 330 B per read or write, and a new subject's first
/// exchange makes nine of them (issue 15). Used under <see cref="EmbeddedDatabase"/>'s lock only; every run ends
/// with <see cref="Reset"/>, so no statement keeps a read open on the database between calls.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 database;

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        database = connection.Handle!;
        Sql = sql;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(database, sql, out var handle), database);
        Handle = handle;
        Key = raw.sqlite3_bind_parameter_index(handle, "$key");
        Etag = raw.sqlite3_bind_parameter_index(handle, "$etag");
        Data = raw.sqlite3_bind_parameter_index(handle, "$data");
        Expected = raw.sqlite3_bind_parameter_index(handle, "$expected");
    }

    public string Sql { get; }

    public sqlite3_stmt Handle { get; }

    /// <summary>The index of each parameter (<c>$key</c>, <c>$etag</c>, <c>$data</c>, <c>$expected</c>), found once: looking one up by name makes a UTF-8 copy of it. 0 where the statement has none, which SQLite refuses to bind.</summary>
    public int Key { get; }

    public int Etag { get; }

    public int Data { get; }

    public int Expected { get; }

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(Handle, index, value));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(Handle, index, value));

    /// <summary>Runs the statement one step: true when it produced a row, false when it is done.</summary>
    public bool Step()
    {
        var result = raw.sqlite3_step(Handle);
        if (result == raw.SQLITE_ROW) return true;
        if (result == raw.SQLITE_DONE) return false;
        SqliteException.ThrowExceptionForRC(result, database);
        return false;
    }

    /// <summary>Ends a run: the statement lets go of its read (a SELECT left mid-rows would hold the WAL's snapshot) and forgets its values.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(Handle);
        raw.sqlite3_clear_bindings(Handle);
    }

    public void Dispose() => Handle.Dispose();

    private void Check(int result) => SqliteException.ThrowExceptionForRC(result, database);
}
