using Npgsql;

namespace TokenExchange.Testing;

/// <summary>
/// A fresh, empty database per test class on the PostgreSQL that <c>TX_TEST_POSTGRES</c> points at
/// (scripts/postgres-setup.sh prints it; scripts/test.sh and .ci/run set it). Missing PostgreSQL is a
/// test failure with a message saying so, never a skip.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "TX_TEST_POSTGRES";

    private PostgresDatabase(string connectionString, string name)
    {
        ConnectionString = connectionString;
        Name = name;
    }

    public string ConnectionString { get; }
    public string Name { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"PostgreSQL is required: set {Variable} to a connection string of a role that may create databases (scripts/postgres-setup.sh prints one)");

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        var name = "tx_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
