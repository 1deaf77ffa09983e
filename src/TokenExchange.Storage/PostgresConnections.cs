using System.Net.Sockets;
using Npgsql;

namespace TokenExchange.Storage;

/// <summary>Opens connections with errors an operator can act on, never echoing the password.</summary>
public static class PostgresConnections
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = Parse(connectionString);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new StorageUnavailableException($"cannot connect to PostgreSQL at {Describe(builder)}: {Reason(e)}", e);
        }
    }

    /// <summary>Parses a connection string; an unreadable one is an <see cref="ArgumentException"/> with a plain message.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Host)) throw new ArgumentException("it names no Host");
            return builder;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"invalid PostgreSQL connection string: {e.Message}", e);
        }
    }

    /// <summary>Host, port, database and user: enough to find the server, nothing secret.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"} as {builder.Username ?? "(default user)"}";

    private static string Reason(Exception e) => e switch
    {
        PostgresException pg => $"{pg.SqlState} {pg.MessageText}",
        _ => (e.InnerException ?? e).Message,
    };
}

public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
