using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary>
/// <c>txctl audit [--since 10m|TIME] [--until 10m|TIME] [--app NAME] [--handler NAME] [--outcome ok|refused]
/// [--operation exchange|refresh|introspect|revoke|admin] [--limit N] [-o table|json]</c>: the cluster's audit
/// table, newest first.
/// </summary>
public static class AuditCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var since = new Option<string?>("--since") { Description = "from this long ago (30s, 10m, 2h, 7d) or this time (RFC 3339)" };
        var until = new Option<string?>("--until") { Description = "before this long ago or this time" };
        var app = new Option<string?>("--app") { Description = "one app's events (client_id)" };
        var handler = new Option<string?>("--handler") { Description = "one handler's events" };
        var outcome = new Option<string?>("--outcome") { Description = "ok or refused" };
        outcome.AcceptOnlyFromAmong("ok", "refused");
        var operation = new Option<string?>("--operation") { Description = "exchange, refresh, introspect, revoke or admin" };
        operation.AcceptOnlyFromAmong("exchange", "refresh", "introspect", "revoke", "admin");
        var limit = new Option<int>("--limit") { Description = "at most this many (1 to 1000)", DefaultValueFactory = _ => 100 };
        var format = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("audit", "the audit trail of token operations and admin changes (needs servers run with --audit postgres)")
        {
            since, until, app, handler, outcome, operation, limit, format,
        };
        admin.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = DateTimeOffset.UtcNow;
            string? from, to;
            try
            {
                from = Time(parse.GetValue(since), now, "--since");
                to = Time(parse.GetValue(until), now, "--until");
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            return await admin.RunAsync(parse, error, async (client, options) =>
            {
                var response = await client.QueryAuditAsync(new AuditQuery
                {
                    Since = from ?? "",
                    Until = to ?? "",
                    App = parse.GetValue(app) ?? "",
                    Handler = parse.GetValue(handler) ?? "",
                    Outcome = parse.GetValue(outcome) ?? "",
                    Operation = parse.GetValue(operation) ?? "",
                    Limit = parse.GetValue(limit),
                }, options);
                await output.WriteAsync(parse.GetValue(format) == "json" ? Json(response) : Table(response));
                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>A relative time (a number and s, m, h or d: that long before now) or an absolute one, as RFC 3339 UTC.</summary>
    public static string? Time(string? value, DateTimeOffset now, string option)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var unit = value[^1];
        if (unit is 's' or 'm' or 'h' or 'd' && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            var ago = unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) };
            return Rfc3339(now - ago);
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Rfc3339(time)
            : throw new FormatException($"{option}: '{value}' is neither a duration (30s, 10m, 2h, 7d) nor a time (2026-01-31T12:00:00Z)");
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Json(AuditEvents response) => JsonSerializer.Serialize(response.Events.Select(e => new Dictionary<string, object?>
    {
        ["time"] = e.Time,
        ["operation"] = e.Operation,
        ["outcome"] = e.Outcome,
        ["app"] = Optional(e.App),
        ["handler"] = Optional(e.Handler),
        ["error"] = Optional(e.Error),
        ["reason"] = Optional(e.Reason),
        ["user"] = Optional(e.UserId),
        ["token_hash"] = Optional(e.TokenHash),
        ["client_address"] = Optional(e.ClientAddress),
        ["silo"] = Optional(e.Silo),
        ["actor"] = Optional(e.Actor),
        ["detail"] = Optional(e.Detail),
        ["elapsed_ms"] = e.ElapsedMs,
    }), Indented) + Environment.NewLine;

    private static string Table(AuditEvents response)
    {
        string[] columns = ["TIME", "OPERATION", "OUTCOME", "APP", "HANDLER", "ERROR", "USER", "ADDRESS", "SILO", "DETAIL"];
        var rows = response.Events.Select(e => new[]
        {
            e.Time, e.Operation, e.Outcome, e.App, e.Handler, e.Error, e.UserId, e.ClientAddress, e.Silo,
            e.Operation == "admin" ? $"{e.Actor} {e.Detail}{(e.Reason.Length > 0 ? " (" + e.Reason + ")" : "")}" : e.Reason,
        }).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var lines = new[] { columns }.Concat(rows).Select(r => string.Join("  ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;
}
