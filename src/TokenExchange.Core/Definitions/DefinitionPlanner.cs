using System.Text.Json;
using TokenExchange.Configuration;

namespace TokenExchange.Definitions;

public enum ChangeAction
{
    Unchanged,
    Create,
    Update,
    Delete,
}

/// <summary>One definition that a declarative apply creates, updates, deletes or leaves alone.</summary>
public sealed record DefinitionChange(string Kind, string Name, ChangeAction Action);

/// <summary>
/// What applying a document changes, as a pure function of the current and the desired definitions:
/// apps and handlers in the document are created or updated; with prune, apps and handlers missing from it
/// are deleted. Users are created or updated but never pruned: they carry identities that exchanges made.
/// </summary>
public static class DefinitionPlanner
{
    public const string App = "app";
    public const string Handler = "handler";
    public const string User = "user";

    public static IReadOnlyList<DefinitionChange> Plan(
        IReadOnlyCollection<AppDefinition> currentApps,
        IReadOnlyCollection<HandlerDefinition> currentHandlers,
        IReadOnlyDictionary<string, UserRecord?> currentUsers,
        ClusterDefinitions desired,
        bool prune)
    {
        var changes = new List<DefinitionChange>();
        changes.AddRange(Compare(App, currentApps, desired.Apps, a => a.ClientId, prune));
        changes.AddRange(Compare(Handler, currentHandlers, desired.Handlers, h => h.Name, prune));
        changes.AddRange(desired.Users.Select(u => new DefinitionChange(User, u.Id,
            currentUsers.GetValueOrDefault(u.Id) is { } existing ? (Same(existing, u) ? ChangeAction.Unchanged : ChangeAction.Update) : ChangeAction.Create)));
        return changes;
    }

    /// <summary>The apps and handlers as they will be after the apply, for checking the invariants across all of them.</summary>
    public static (IReadOnlyList<AppDefinition> Apps, IReadOnlyList<HandlerDefinition> Handlers) Result(
        IReadOnlyCollection<AppDefinition> currentApps, IReadOnlyCollection<HandlerDefinition> currentHandlers, ClusterDefinitions desired, bool prune)
    {
        var apps = prune ? desired.Apps : [.. currentApps.Where(a => desired.Apps.All(d => d.ClientId != a.ClientId)), .. desired.Apps];
        var handlers = prune ? desired.Handlers : [.. currentHandlers.Where(h => desired.Handlers.All(d => d.Name != h.Name)), .. desired.Handlers];
        return (apps, handlers);
    }

    private static IEnumerable<DefinitionChange> Compare<T>(string kind, IReadOnlyCollection<T> current, IReadOnlyList<T> desired, Func<T, string> name, bool prune)
    {
        var existing = current.ToDictionary(name, StringComparer.Ordinal);
        foreach (var definition in desired)
        {
            var action = existing.TryGetValue(name(definition), out var old)
                ? Same(old, definition) ? ChangeAction.Unchanged : ChangeAction.Update
                : ChangeAction.Create;
            yield return new DefinitionChange(kind, name(definition), action);
        }
        if (!prune) yield break;
        var wanted = desired.Select(name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Keys.Where(k => !wanted.Contains(k)).Order(StringComparer.Ordinal))
            yield return new DefinitionChange(kind, gone, ChangeAction.Delete);
    }

    /// <summary>Definitions are records with arrays, which compare by reference: compare their JSON instead.</summary>
    public static bool Same<T>(T a, T? b) => b is not null && JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
