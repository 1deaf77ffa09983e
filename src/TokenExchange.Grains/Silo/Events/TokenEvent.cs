namespace TokenExchange.Grains.Silo.Events;

/// <summary>What a front door was asked to do.</summary>
public enum TokenOperation { Exchange, Refresh, Introspect, Revoke }

/// <summary>
/// One finished token operation, as the audit log, metrics and the Setup page's live view see it.
/// Never the token itself: <see cref="TokenHash"/> is a short hash that correlates without allowing replay.
/// </summary>
/// <param name="ErrorCode">The OAuth error code; null when the operation succeeded.</param>
/// <param name="Reason">Why it was refused, in words safe to log; null on success.</param>
/// <param name="Handler">The handler that ran, when one was chosen.</param>
public sealed record TokenEvent(
    TokenOperation Operation,
    DateTimeOffset Time,
    TimeSpan Elapsed,
    string? ClientId,
    string? Handler,
    string? ErrorCode,
    string? Reason,
    string? UserId,
    string? TokenHash,
    string? ClientAddress)
{
    public bool Succeeded => ErrorCode is null;
}
