using TokenExchange.Definitions;

namespace TokenExchange.Server.Admin;

/// <summary>One log line per definition an admin changed, whichever door the change came through (admin API or Setup page).</summary>
public sealed class AdminAudit(ILogger<AdminAudit> logger)
{
    public void Record(string operation, IEnumerable<DefinitionChange> changes, string? address, string via)
    {
        foreach (var change in changes.Where(c => c.Action != ChangeAction.Unchanged))
            logger.LogInformation("admin {Operation}: {Action} {Kind} {Name} from {Address} via {Via}", operation, change.Action, change.Kind, change.Name, address, via);
    }
}
