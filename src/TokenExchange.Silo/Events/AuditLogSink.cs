using Microsoft.Extensions.Logging;

namespace TokenExchange.Silo.Events;

/// <summary>
/// The default audit trail: one structured log line per token operation or admin change on the
/// "TokenExchange.Audit" category. Token operations: failures at Information (the operator's answer to
/// "why was this refused"), successes at Debug. Admin changes always at Information.
/// </summary>
public sealed class AuditLogSink(ILoggerFactory loggers) : ITokenEventSink
{
    public const string Category = "TokenExchange.Audit";

    private readonly ILogger audit = loggers.CreateLogger(Category);

    public void Record(TokenEvent e)
    {
        if (e.Operation == TokenOperation.Admin)
        {
            if (!audit.IsEnabled(LogLevel.Information)) return;
            audit.LogInformation(
                "admin outcome={Outcome} actor={Actor} change={Detail} error={Error} reason={Reason} address={ClientAddress} silo={Silo}",
                e.Succeeded ? "ok" : "refused", e.Actor, e.Detail, e.ErrorCode, e.Reason, e.ClientAddress, e.Silo);
            return;
        }
        var level = e.Succeeded ? LogLevel.Debug : LogLevel.Information;
        if (!audit.IsEnabled(level)) return;
        if (e.Transaction is { } transaction)
        {
            // A transaction token issued or replaced: which transaction (draft-ietf-oauth-transaction-tokens-10 asks the TTS to log txn), never the token.
            audit.Log(level,
                "{Operation} outcome={Outcome} client={ClientId} handler={Handler} user={UserId} token={TokenHash} address={ClientAddress} silo={Silo} elapsed_ms={ElapsedMs:F2} txn_token={TxnAction} txn={TransactionId}",
                e.Operation.ToString().ToLowerInvariant(), "ok", e.ClientId, e.Handler, e.UserId, e.TokenHash, e.ClientAddress, e.Silo, e.Elapsed.TotalMilliseconds,
                transaction.Action, transaction.TransactionId);
            return;
        }
        audit.Log(level,
            "{Operation} outcome={Outcome} client={ClientId} handler={Handler} error={Error} reason={Reason} user={UserId} token={TokenHash} address={ClientAddress} silo={Silo} elapsed_ms={ElapsedMs:F2}",
            e.Operation.ToString().ToLowerInvariant(), e.Succeeded ? "ok" : "refused", e.ClientId, e.Handler, e.ErrorCode, e.Reason,
            e.UserId, e.TokenHash, e.ClientAddress, e.Silo, e.Elapsed.TotalMilliseconds);
    }
}
