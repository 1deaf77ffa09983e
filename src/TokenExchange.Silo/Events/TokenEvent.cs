using TokenExchange.Exchange;

namespace TokenExchange.Silo.Events;

/// <summary>What a front door or the admin API was asked to do.</summary>
public enum TokenOperation { Exchange, Refresh, Introspect, Revoke, Admin }

/// <summary>
/// One finished token operation or admin change, as the audit log, the audit table, metrics and the Setup
/// page's live view see it. Never the token itself: <see cref="TokenHash"/> is a short hash that
/// correlates without allowing replay; never a secret or an admin key.
/// </summary>
/// <param name="TokenHashValue">The token's short hash as a number (<see cref="TokenEvents.TokenHashValue"/>); sinks read <see cref="TokenHash"/>.</param>
/// <param name="ErrorCode">The OAuth error code (for admin changes, the refusal's kind); null when the operation succeeded.</param>
/// <param name="Reason">Why it was refused, in words safe to log; null on success.</param>
/// <param name="Handler">The handler that ran, when one was chosen.</param>
/// <param name="Silo">The silo that answered (its Orleans address), so a cluster's trail can be read as one.</param>
/// <param name="Actor">Admin changes: who made it (a short hash of the admin key, or the admin token's subject).</param>
/// <param name="Detail">Admin changes: what changed (the action and the definitions it touched); never a secret. A transaction
/// token issued or replaced: <c>txn_token issue txn=ID</c> or <c>txn_token replace txn=ID</c>.</param>
/// <param name="Transaction">The transaction token an exchange issued or replaced (its <c>txn</c>, never the token).</param>
public sealed record TokenEvent(
    TokenOperation Operation,
    DateTimeOffset Time,
    TimeSpan Elapsed,
    string? ClientId,
    string? Handler,
    string? ErrorCode,
    string? Reason,
    string? UserId,
    ulong? TokenHashValue,
    string? ClientAddress,
    string? Silo = null,
    string? Actor = null,
    string? Detail = null,
    TransactionTokenRecord? Transaction = null)
{
    public bool Succeeded => ErrorCode is null;

    /// <summary>The token's short hash, 16 hex characters (<see cref="TokenEvents.TokenHash"/>), written when a sink reads it.</summary>
    public string? TokenHash => FormatTokenHash(TokenHashValue);

    internal static string? FormatTokenHash(ulong? value) => value?.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
