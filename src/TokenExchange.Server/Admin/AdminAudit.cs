using System.Diagnostics;
using TokenExchange.Definitions;
using TokenExchange.Silo.Events;

namespace TokenExchange.Server.Admin;

/// <summary>
/// The Setup page's admin changes as audit events, the same kind the admin API records: one per change made
/// or refused, naming the actor (<c>key:HASH</c> or <c>token:SUBJECT</c>, never the credential).
/// </summary>
public sealed class AdminAudit(TokenEvents events)
{
    public void Record(long startedAt, string operation, IEnumerable<DefinitionChange> changes, string actor, string? address)
    {
        var made = string.Join("; ", changes.Where(c => c.Action != ChangeAction.Unchanged).Select(c => $"{c.Action.ToString().ToLowerInvariant()} {c.Kind} {c.Name}"));
        events.RecordAdmin(startedAt, actor, $"{operation} via Setup page: {(made.Length > 0 ? made : "nothing changed")}", null, null, address);
    }

    public void RecordRefused(long startedAt, string operation, IEnumerable<string> problems, string actor, string? address) =>
        events.RecordAdmin(startedAt, actor, $"{operation} via Setup page", "invalid", string.Join("; ", problems), address);

    /// <summary>
    /// A refused admin sign-in or admin API call (wrong key, expired token, app or user without admin authority, disabled
    /// user), or a Setup sign-in ended because its token no longer holds. <paramref name="actor"/> is <c>anonymous</c>
    /// or <c>token:SUBJECT</c> (a subject this cluster signed); the credential itself is never recorded.
    /// </summary>
    public void RecordRefusedSignIn(string what, string actor, string errorCode, string reason, string? address, string? clientId, string? userId) =>
        events.RecordAdmin(Start(), actor, $"admin sign-in refused: {what}", errorCode, reason, address, clientId, userId: userId);

    public static long Start() => Stopwatch.GetTimestamp();
}
