using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Definitions;

/// <summary>Invariants across definitions, checked on every change; one message per violation.</summary>
public static class DefinitionRules
{
    public static IEnumerable<string> Check(IReadOnlyList<AppDefinition> apps, IReadOnlyList<HandlerDefinition> handlers, IReadOnlyList<UserRecord> users)
    {
        foreach (var id in Duplicates(apps.Select(a => a.ClientId))) yield return $"app '{id}' is defined more than once";
        foreach (var name in Duplicates(handlers.Select(h => h.Name))) yield return $"handler '{name}' is defined more than once";
        foreach (var id in Duplicates(users.Select(u => u.Id))) yield return $"user '{id}' is defined more than once";

        var appIds = apps.Select(a => a.ClientId).ToHashSet(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            foreach (var enablement in handler.Enablements.Where(e => !appIds.Contains(e.ClientId)))
                yield return $"handler '{handler.Name}' is enabled for app '{enablement.ClientId}', which does not exist";
            foreach (var id in Duplicates(handler.Enablements.Select(e => e.ClientId)))
                yield return $"handler '{handler.Name}' enables app '{id}' more than once";
            foreach (var problem in IdpEndpoints.Problems(handler)) yield return problem;
        }
        var defaults = handlers.SelectMany(h => h.Enablements.Where(e => e.Default).Select(e => (e.ClientId, h.Name)));
        foreach (var group in defaults.GroupBy(d => d.ClientId).Where(g => g.Count() > 1))
            yield return $"app '{group.Key}' has more than one default handler: {string.Join(", ", group.Select(g => g.Name))}";

        foreach (var user in users)
        {
            foreach (var problem in UserKeyProblems(user)) yield return $"user '{user.Id}': {problem}";
        }
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            // As the directory matches them: usernames and emails by canonical key, federation ids exactly.
            var values = users.Select(u => u.Get(attribute)).OfType<string>();
            var duplicates = attribute == UserField.FederationId
                ? Duplicates(values)
                : values.GroupBy(CanonicalKeys.For, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.First());
            foreach (var value in duplicates)
                yield return $"more than one user has {attribute} '{value}'";
        }
    }

    /// <summary>Why a user's username or email cannot be a key (<see cref="CanonicalKeys.Problem"/>); empty when both can.</summary>
    public static IEnumerable<string> UserKeyProblems(UserRecord user)
    {
        if (user.Username is { } username && CanonicalKeys.Problem(username) is { } usernameProblem) yield return $"username {usernameProblem}";
        if (user.Email is { } email && CanonicalKeys.Problem(email) is { } emailProblem) yield return $"email {emailProblem}";
    }

    private static IEnumerable<string> Duplicates(IEnumerable<string> values, StringComparer? comparer = null) =>
        values.GroupBy(v => v, comparer ?? StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
}
