using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace TokenExchange.Storage;

/// <summary>One row of the audit table (migration 0003): a token operation or an admin change.</summary>
public sealed record AuditRow(
    DateTimeOffset OccurredAt,
    string Operation,
    string Outcome,
    string? ClientId,
    string? Handler,
    string? ErrorCode,
    string? Reason,
    string? UserId,
    string? TokenHash,
    string? ClientAddress,
    string? Silo,
    string? Actor,
    string? Detail,
    double ElapsedMs);

/// <summary>What <see cref="AuditTable.QueryAsync"/> selects; null narrows nothing.</summary>
public sealed record AuditFilter
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? ClientId { get; init; }
    public string? Handler { get; init; }
    public string? Outcome { get; init; }
    public string? Operation { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>
/// The audit table: rows appended in batches by binary COPY (one round trip per batch), read newest first
/// with parameterised filters.
/// </summary>
public sealed class AuditTable(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private const string Columns = "occurred_at, operation, outcome, client_id, handler, error_code, reason, user_id, token_hash, client_address, silo, actor, detail, elapsed_ms";

    public async Task WriteAsync(IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var copy = await connection.BeginBinaryImportAsync($"COPY tx_audit_events ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(row.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(row.Operation, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(row.Outcome, NpgsqlDbType.Text, cancellationToken);
            foreach (var text in new[] { row.ClientId, row.Handler, row.ErrorCode, row.Reason, row.UserId, row.TokenHash, row.ClientAddress, row.Silo, row.Actor, row.Detail })
            {
                if (text is null) await copy.WriteNullAsync(cancellationToken);
                else await copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
            }
            await copy.WriteAsync(row.ElapsedMs, NpgsqlDbType.Double, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRow>> QueryAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM tx_audit_events WHERE true");
        await using var command = dataSource.CreateCommand();
        void Where(string condition, string name, object? value)
        {
            if (value is null) return;
            sql.Append(" AND ").Append(condition);
            command.Parameters.AddWithValue(name, value);
        }
        Where("occurred_at >= @since", "since", filter.Since?.UtcDateTime);
        Where("occurred_at < @until", "until", filter.Until?.UtcDateTime);
        Where("client_id = @client", "client", filter.ClientId);
        Where("handler = @handler", "handler", filter.Handler);
        Where("outcome = @outcome", "outcome", filter.Outcome);
        Where("operation = @operation", "operation", filter.Operation);
        sql.Append(" ORDER BY occurred_at DESC, id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", filter.Limit);
        command.CommandText = sql.ToString();

        var rows = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new AuditRow(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2),
                Text(3), Text(4), Text(5), Text(6), Text(7), Text(8), Text(9), Text(10), Text(11), Text(12), reader.GetDouble(13)));
        }
        return rows;
    }
}
