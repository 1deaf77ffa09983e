using TokenExchange.Definitions;
using Change = TokenExchange.Protos.V1.Change;

namespace TokenExchange.Server.Admin;

/// <summary>What one admin call changed, gathered while it runs, for its audit event (see <see cref="AdminCalls"/>).</summary>
internal sealed class AdminChangeAudit(string action)
{
    public string? ClientId { get; init; }
    public string? Handler { get; init; }
    public string? UserId { get; init; }
    public IReadOnlyList<DefinitionChange> Changes { get; set; } = [];
    public string? Summary { get; set; }

    /// <summary>The call changed one definition: recorded, and answered as the API's <see cref="Change"/>.</summary>
    public Change One(DefinitionChange change)
    {
        Changes = [change];
        return change.ToProto();
    }

    /// <summary>"apply: create app billing-service, update handler partner" — names and actions, never values.</summary>
    public string Describe()
    {
        var changed = Changes.Where(c => c.Action != ChangeAction.Unchanged).Select(c => $"{c.Action.ToString().ToLowerInvariant()} {c.Kind} {c.Name}").ToList();
        var what = Summary ?? (changed.Count > 0 ? string.Join(", ", changed) : Changes.Count > 0 ? "no change" : null);
        return what is null ? action : $"{action}: {what}";
    }
}
