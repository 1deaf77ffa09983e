using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace TokenExchange.Storage;

/// <summary>
/// Applies the project's PostgreSQL schema (Orleans membership, grain state, and the queries the Orleans
/// ADO.NET providers run) as numbered migrations, idempotently: each runs once, in order, in one
/// transaction, under an advisory lock so silos starting together do not race.
/// </summary>
public static partial class PostgresMigrator
{
    private const long AdvisoryLockKey = 0x7478_6d69_6772; // "txmigr"

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>What a run did: the migrations it applied and those found applied already.</summary>
    public sealed record Report(IReadOnlyList<Migration> Applied, IReadOnlyList<Migration> AlreadyApplied);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public static async Task<Report> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = await PostgresConnections.OpenAsync(connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await Execute(connection, """
            CREATE TABLE IF NOT EXISTS tx_schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM tx_schema_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetInt32(0));
        }

        var done = new List<Migration>();
        foreach (var migration in All.Where(m => !applied.Contains(m.Version)))
        {
            await Execute(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO tx_schema_migrations (version, name) VALUES (@version, @name)", connection);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(migration);
        }
        await transaction.CommitAsync(cancellationToken);
        return new Report(done, [.. All.Where(m => applied.Contains(m.Version))]);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Migration[] LoadEmbedded()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(name => MigrationName().Match(name))
            .Where(match => match.Success)
            .Select(match => new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, Read(assembly, match.Value)))
            .OrderBy(m => m.Version)
            .ToArray();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^migrations/(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}
