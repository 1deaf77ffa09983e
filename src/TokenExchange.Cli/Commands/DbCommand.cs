using System.CommandLine;
using Npgsql;
using TokenExchange.Storage;

namespace TokenExchange.Cli.Commands;

/// <summary><c>txctl db migrate</c>: applies the PostgreSQL schema; running it again is a no-op.</summary>
public static class DbCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new Option<string?>("--connection")
        {
            Description = "PostgreSQL connection string (default: the TX_POSTGRES environment variable)",
        };
        var migrate = new Command("migrate", "apply the schema migrations that are not applied yet") { connection };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = parse.GetValue(connection) ?? Environment.GetEnvironmentVariable("TX_POSTGRES");
            if (string.IsNullOrEmpty(connectionString))
            {
                await error.WriteLineAsync("error: give --connection or set TX_POSTGRES");
                return ExitCodes.Usage;
            }
            try
            {
                var report = await PostgresMigrator.MigrateAsync(connectionString, cancellationToken);
                foreach (var m in report.AlreadyApplied) await output.WriteLineAsync($"present  {m.Version:D4} {m.Name}");
                foreach (var m in report.Applied) await output.WriteLineAsync($"applied  {m.Version:D4} {m.Name}");
                await output.WriteLineAsync(report.Applied.Count == 0
                    ? $"schema up to date ({report.AlreadyApplied.Count} migrations); nothing to do"
                    : $"applied {report.Applied.Count} migrations; schema up to date ({report.Applied.Count + report.AlreadyApplied.Count} migrations)");
                return ExitCodes.Success;
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (StorageUnavailableException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Unreachable;
            }
            catch (PostgresException e)
            {
                await error.WriteLineAsync($"error: migration failed: {e.SqlState} {e.MessageText}");
                return ExitCodes.Refused;
            }
        });
        return new Command("db", "the cluster's PostgreSQL database") { migrate };
    }
}
