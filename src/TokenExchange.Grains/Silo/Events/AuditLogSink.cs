using Microsoft.Extensions.Logging;

namespace TokenExchange.Grains.Silo.Events;

/// <summary>
/// The default audit trail: one structured log line per token operation on the "TokenExchange.Audit" category.
/// Failures at Information (the operator's answer to "why was this refused"), successes at Debug.
/// </summary>
public sealed class AuditLogSink(ILoggerFactory loggers) : ITokenEventSink
{
    private readonly ILogger audit = loggers.CreateLogger("TokenExchange.Audit");

    public void Record(TokenEvent e)
    {
        var level = e.Succeeded ? LogLevel.Debug : LogLevel.Information;
        if (!audit.IsEnabled(level)) return;
        audit.Log(level,
            "{Operation} outcome={Outcome} client={ClientId} handler={Handler} error={Error} reason={Reason} user={UserId} token={TokenHash} address={ClientAddress} elapsed_ms={ElapsedMs:F2}",
            e.Operation.ToString().ToLowerInvariant(), e.Succeeded ? "ok" : "refused", e.ClientId, e.Handler, e.ErrorCode, e.Reason,
            e.UserId, e.TokenHash, e.ClientAddress, e.Elapsed.TotalMilliseconds);
    }
}
