using System.Globalization;
using Grpc.Core;
using TokenExchange.Protos.V1;
using TokenExchange.Silo.Events;
using TokenExchange.Storage;

namespace TokenExchange.Server.Admin;

/// <summary>
/// The admin API's audit query: the request's filter checked (each bad field an InvalidArgument naming it), the
/// audit table's rows as the API's events. Without an audit table (no <c>--audit postgres</c>) it says where the trail is.
/// </summary>
internal static class AuditQueries
{
    public static async Task<AuditEvents> RunAsync(AuditTable? auditTable, AuditQuery request, CancellationToken cancellationToken)
    {
        if (auditTable is null)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "this server keeps no audit table: start the servers with --audit postgres (and --postgres); meanwhile the trail is in their logs (category TokenExchange.Audit)"));
        var rows = await auditTable.QueryAsync(Filter(request), cancellationToken);
        return new AuditEvents { Events = { rows.Select(ToProto) } };
    }

    private static AuditFilter Filter(AuditQuery request) => new()
    {
        Since = Time(request.Since, "since"),
        Until = Time(request.Until, "until"),
        ClientId = Optional(request.App),
        Handler = Optional(request.Handler),
        Outcome = Optional(request.Outcome) is { } outcome
            ? outcome is "ok" or "refused" ? outcome : throw new RpcException(new Status(StatusCode.InvalidArgument, "outcome must be ok or refused"))
            : null,
        Operation = Optional(request.Operation) is { } operation
            ? Enum.GetNames<TokenOperation>().Any(n => n.Equals(operation, StringComparison.OrdinalIgnoreCase)) ? operation.ToLowerInvariant()
                : throw new RpcException(new Status(StatusCode.InvalidArgument, "operation must be exchange, refresh, introspect, revoke or admin"))
            : null,
        Limit = request.Limit is > 0 and <= 1000 ? request.Limit : request.Limit == 0 ? 100 : throw new RpcException(new Status(StatusCode.InvalidArgument, "limit must be between 1 and 1000")),
    };

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private static DateTimeOffset? Time(string value, string name) =>
        value.Length == 0 ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{name} must be an RFC 3339 time"));

    private static AuditEvent ToProto(AuditRow row) => new()
    {
        Time = row.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        Operation = row.Operation,
        Outcome = row.Outcome,
        App = row.ClientId ?? "",
        Handler = row.Handler ?? "",
        Error = row.ErrorCode ?? "",
        Reason = row.Reason ?? "",
        UserId = row.UserId ?? "",
        TokenHash = row.TokenHash ?? "",
        ClientAddress = row.ClientAddress ?? "",
        Silo = row.Silo ?? "",
        Actor = row.Actor ?? "",
        Detail = row.Detail ?? "",
        ElapsedMs = row.ElapsedMs,
    };
}
