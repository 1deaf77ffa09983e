using System.Diagnostics;
using TokenExchange.Definitions;
using TokenExchange.Grains.Silo.Events;

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

    public static long Start() => Stopwatch.GetTimestamp();
}
