using Npgsql;
using TokenExchange.Testing;

namespace TokenExchange.Storage.Tests;

public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private PostgresDatabase database = null!;

    public async Task InitializeAsync() => database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task The_first_run_applies_every_migration_and_the_second_is_a_no_op()
    {
        var first = await PostgresMigrator.MigrateAsync(database.ConnectionString);
        var second = await PostgresMigrator.MigrateAsync(database.ConnectionString);

        Assert.Equal(PostgresMigrator.All.Select(m => m.Version), first.Applied.Select(m => m.Version));
        Assert.Empty(first.AlreadyApplied);
        Assert.Empty(second.Applied);
        Assert.Equal(PostgresMigrator.All.Count, second.AlreadyApplied.Count);
    }

    [Fact]
    public async Task Silos_migrating_at_once_apply_each_migration_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresMigrator.MigrateAsync(database.ConnectionString)));

        Assert.Equal(PostgresMigrator.All.Count, runs.Sum(r => r.Applied.Count));
    }

    [Fact]
    public async Task The_schema_holds_every_query_the_orleans_providers_require()
    {
        await PostgresMigrator.MigrateAsync(database.ConnectionString);

        var keys = await Strings("SELECT querykey FROM orleansquery");

        string[] required =
        [
            "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
            "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
        ];
        Assert.Empty(required.Except(keys));
    }

    [Fact]
    public async Task Grain_state_writes_are_optimistic_on_the_version()
    {
        await PostgresMigrator.MigrateAsync(database.ConnectionString);
        const string write = "SELECT newgrainstateversion FROM tx_grain_state_write('svc', 'state', 1, 2, 0, 0, 'key', @version, '\\x01'::bytea)";

        var inserted = await Scalar(write, null);
        var insertedAgain = await Scalar(write, null);
        var updated = await Scalar(write, 1);
        var stale = await Scalar(write, 1);

        Assert.Equal(1, inserted);
        Assert.Null(insertedAgain);
        Assert.Equal(2, updated);
        Assert.Null(stale);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error_without_the_password()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = 1, Password = "very-secret-password", Timeout = 2 }.ConnectionString;

        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresMigrator.MigrateAsync(unreachable));

        Assert.StartsWith("cannot connect to PostgreSQL at 127.0.0.1:1/", e.Message);
        Assert.DoesNotContain("very-secret-password", e.Message);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_an_argument_error()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => PostgresMigrator.MigrateAsync("Host=;;=broken"));

        Assert.StartsWith("invalid PostgreSQL connection string", e.Message);
    }

    private async Task<List<string>> Strings(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    private async Task<int?> Scalar(string sql, int? version)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int?>("version", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = version });
        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? null : (int)result;
    }
}
