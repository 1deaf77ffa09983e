using Microsoft.Extensions.Logging;
using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Silo.Admin;

/// <summary>
/// Changes to the cluster's definitions, as the admin API makes them: every change is checked against
/// the invariants over all definitions as they would be afterwards, and refused whole on a violation.
/// Writes go to the definition grains, which every silo's cache follows within about a quarter second.
/// </summary>
public sealed class DefinitionAdmin(IGrainFactory grains, GrainUserDirectory users, HandlerCompiler compiler, ILogger<DefinitionAdmin> logger)
{
    /// <summary>Every app and handler, read from their grains (not from this silo's cache, which may lag).</summary>
    public async Task<(IReadOnlyList<AppDefinition> Apps, IReadOnlyList<HandlerDefinition> Handlers)> LoadAsync()
    {
        var index = await grains.GetGrain<IDefinitionRegistryGrain>(IDefinitionRegistryGrain.Key).GetIndex();
        var apps = await Task.WhenAll(index.ClientIds.Select(id => grains.GetGrain<IAppGrain>(id).Get()));
        var handlers = await Task.WhenAll(index.HandlerNames.Select(name => grains.GetGrain<IHandlerDefinitionGrain>(name).Get()));
        return ([.. apps.OfType<AppDefinition>()], [.. handlers.OfType<HandlerDefinition>()]);
    }

    public Task<UserRecord?> GetUserAsync(string id) => users.GetAsync(id);

    /// <summary>
    /// Up to <paramref name="limit"/> users with ids after <paramref name="after"/>, in id order; fewer only when there
    /// are no more. A catalog may list an id with no user stored (a subject's first exchange lists its new user before
    /// storing it, and a catalog never drops an id, so a creation that failed in between leaves one): such ids are
    /// skipped and the page filled from the ids after them, since a short page reads as the last one (the setup page
    /// then offers no next page, and every user after it would be out of reach).
    /// </summary>
    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(string? after, int limit)
    {
        var page = new List<UserRecord>(Math.Clamp(limit, 0, 1000));
        while (page.Count < limit)
        {
            // A whole page's ids each round, so ids with no user cost one round per page, not one per id.
            var buckets = await Task.WhenAll(IUserCatalogGrain.AllKeys().Select(key => grains.GetGrain<IUserCatalogGrain>(key).List(after, limit)));
            var ids = buckets.SelectMany(b => b).Order(StringComparer.Ordinal).Take(limit).ToList();
            var found = await Task.WhenAll(ids.Select(users.GetAsync));
            page.AddRange(found.OfType<UserRecord>().Take(limit - page.Count));
            if (ids.Count < limit) break;
            after = ids[^1];
        }
        return page;
    }

    /// <summary>
    /// Makes the definitions what <paramref name="desired"/> declares (with <paramref name="prune"/>, deleting apps and
    /// handlers it does not). All or nothing: everything is checked before anything is written, and should a write
    /// still fail (another change took a user's attribute meanwhile, storage failed), what was written is rolled back.
    /// </summary>
    public async Task<IReadOnlyList<DefinitionChange>> ApplyAsync(ClusterDefinitions desired, bool prune, bool dryRun)
    {
        if (desired.AdminKeyHashes.Count > 0)
            throw new DefinitionAdminException(AdminFailure.Invalid, ["admin keys are set in the server's configuration file, not applied"]);
        // Admin authority is the server's own configuration (a restart applies it), never something an admin grants over the API.
        if (desired.AdminTokenHolders.Clients.Count > 0 || desired.AdminTokenHolders.Users.Count > 0)
            throw new DefinitionAdminException(AdminFailure.Invalid, ["admin clients and users are set in the server's configuration file, not applied"]);
        var (apps, handlers) = await LoadAsync();
        var currentUsers = new Dictionary<string, UserRecord?>(StringComparer.Ordinal);
        foreach (var user in desired.Users) currentUsers[user.Id] = await users.GetAsync(user.Id);

        var plan = DefinitionPlanner.Plan(apps, handlers, currentUsers, desired, prune);
        var (resultApps, resultHandlers) = DefinitionPlanner.Result(apps, handlers, desired, prune);
        var problems = DefinitionRules.Check(resultApps, resultHandlers, desired.Users).ToList();
        problems.AddRange(SharedDirectoryKeys(desired.Users));
        problems.AddRange(await UserConflicts(desired.Users));
        // A handler whose implementation cannot be loaded is refused when applied, not at its first exchange.
        problems.AddRange(desired.Handlers.Select(compiler.CheckImplementation).OfType<string>());
        if (problems.Count > 0) throw new DefinitionAdminException(AdminFailure.Invalid, problems.Distinct().ToList());
        if (dryRun) return plan;

        var changed = plan.Where(c => c.Action != ChangeAction.Unchanged).Select(c => (c.Kind, c.Name)).ToHashSet();
        var undo = new Stack<Func<Task>>();
        try
        {
            // Users first: the only writes that can still be refused (by a concurrent change), before any app or handler.
            foreach (var user in desired.Users.Where(u => changed.Contains((DefinitionPlanner.User, u.Id))))
            {
                if (await users.PutAsync(user) is { } conflict) throw new DefinitionAdminException(AdminFailure.Invalid, [$"user '{user.Id}': {conflict}"]);
                if (currentUsers[user.Id] is { } previous) undo.Push(async () =>
                {
                    if (await users.PutAsync(previous) is { } lost) logger.LogError("Rolling back a failed admin change could not restore user {UserId}: {Conflict}", previous.Id, lost);
                });
            }
            // Apps before the handlers that enable them, so no silo's cache sees a handler enabling an app it lacks.
            foreach (var app in desired.Apps.Where(a => changed.Contains((DefinitionPlanner.App, a.ClientId))))
            {
                var grain = grains.GetGrain<IAppGrain>(app.ClientId);
                undo.Push(await UndoPut(grain.Get, grain.IsDeleted, grain.Put, grain.Delete, grain.Forget));
                await grain.Put(app);
            }
            foreach (var handler in desired.Handlers.Where(h => changed.Contains((DefinitionPlanner.Handler, h.Name))))
            {
                var grain = grains.GetGrain<IHandlerDefinitionGrain>(handler.Name);
                undo.Push(await UndoPut(grain.Get, grain.IsDeleted, grain.Put, grain.Delete, grain.Forget));
                await grain.Put(handler);
            }
            foreach (var gone in plan.Where(c => c.Action == ChangeAction.Delete && c.Kind == DefinitionPlanner.Handler))
            {
                var grain = grains.GetGrain<IHandlerDefinitionGrain>(gone.Name);
                var previous = handlers.Single(h => h.Name == gone.Name);
                undo.Push(() => grain.Put(previous));
                await grain.Delete();
            }
            foreach (var gone in plan.Where(c => c.Action == ChangeAction.Delete && c.Kind == DefinitionPlanner.App))
            {
                var grain = grains.GetGrain<IAppGrain>(gone.Name);
                var previous = apps.Single(a => a.ClientId == gone.Name);
                undo.Push(() => grain.Put(previous));
                await grain.Delete();
            }
        }
        catch
        {
            await RollBackAsync(undo);
            throw;
        }
        return plan;
    }

    /// <summary>How to put back what a definition grain holds now: the definition, a remembered deletion, or nothing.</summary>
    private static async Task<Func<Task>> UndoPut<T>(Func<Task<T?>> get, Func<Task<bool>> isDeleted, Func<T, Task> put, Func<Task> delete, Func<Task> forget)
        where T : class
    {
        if (await get() is { } previous) return () => put(previous);
        return await isDeleted() ? delete : forget;
    }

    /// <summary>Undoes the writes of a change that failed midway, newest first; keeps going past an undo that fails.</summary>
    private async Task RollBackAsync(Stack<Func<Task>> undo)
    {
        while (undo.TryPop(out var step))
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                logger.LogError("Rolling back a failed admin change did not complete one step: {Error}", e.Message);
            }
        }
    }

    /// <summary>Creates or updates the enablement of the handler for the app (admin RPC EnableApp).</summary>
    public async Task<DefinitionChange> PutEnablementAsync(string handlerName, string clientId, bool isDefault, bool allowUserCreation)
    {
        var (apps, handlers) = await LoadAsync();
        var handler = Find(handlers, handlerName);
        var enablement = new HandlerAppEnablement
        {
            ClientId = clientId,
            Default = isDefault,
            AllowUserCreation = allowUserCreation,
            RunAs = Array.Find(handler.Enablements, e => e.ClientId == clientId)?.RunAs,
        };
        // Replaced where it stands, so enabling again with the same settings changes nothing.
        var changed = handler with
        {
            Enablements = handler.Enablements.Any(e => e.ClientId == clientId)
                ? [.. handler.Enablements.Select(e => e.ClientId == clientId ? enablement : e)]
                : [.. handler.Enablements, enablement],
        };
        return await PutHandler(apps, handlers, handler, changed);
    }

    /// <summary>
    /// Creates an app (refused when it exists) or updates one (refused when it does not), through the same checks
    /// as an apply of a document holding only that app.
    /// </summary>
    public async Task<DefinitionChange> PutAppAsync(AppDefinition app, bool create)
    {
        var (apps, _) = await LoadAsync();
        var exists = apps.Any(a => a.ClientId == app.ClientId);
        if (create && exists) throw new DefinitionAdminException(AdminFailure.Invalid, [$"app '{app.ClientId}' already exists"]);
        if (!create && !exists) throw NotFound(DefinitionPlanner.App, app.ClientId);
        return (await ApplyAsync(new ClusterDefinitions([app], [], []), prune: false, dryRun: false)).Single();
    }

    /// <summary>
    /// Makes <paramref name="handlerName"/> the app's default handler (null: the app has none), moving the
    /// default flag between the handlers enabled for it in one checked change.
    /// </summary>
    public async Task<IReadOnlyList<DefinitionChange>> SetDefaultHandlerAsync(string clientId, string? handlerName)
    {
        var (apps, handlers) = await LoadAsync();
        if (apps.All(a => a.ClientId != clientId)) throw NotFound(DefinitionPlanner.App, clientId);
        if (handlerName is not null && Find(handlers, handlerName).Enablements.All(e => e.ClientId != clientId))
            throw new DefinitionAdminException(AdminFailure.Invalid, [$"handler '{handlerName}' is not enabled for app '{clientId}'; enable it first"]);
        var changed = handlers
            .Where(h => h.Enablements.Any(e => e.ClientId == clientId && e.Default != (h.Name == handlerName)))
            .Select(h => h with { Enablements = [.. h.Enablements.Select(e => e.ClientId == clientId ? e with { Default = h.Name == handlerName } : e)] })
            // The handler losing the default is written first: between the writes the app has no default rather than two.
            .OrderBy(h => h.Name == handlerName)
            .ToList();
        if (changed.Count == 0) return [];
        return await ApplyAsync(new ClusterDefinitions([], changed, []), prune: false, dryRun: false);
    }

    /// <summary>Removes the enablement of the handler for the app (admin RPC DisableApp).</summary>
    public async Task<DefinitionChange> RemoveEnablementAsync(string handlerName, string clientId)
    {
        var (apps, handlers) = await LoadAsync();
        var handler = Find(handlers, handlerName);
        if (handler.Enablements.All(e => e.ClientId != clientId))
            throw new DefinitionAdminException(AdminFailure.NotFound, [$"handler '{handlerName}' is not enabled for app '{clientId}'"]);
        return await PutHandler(apps, handlers, handler, handler with { Enablements = [.. handler.Enablements.Where(e => e.ClientId != clientId)] });
    }

    public async Task<DefinitionChange> DeleteAsync(string kind, string name)
    {
        var (apps, handlers) = await LoadAsync();
        switch (kind)
        {
            case DefinitionPlanner.App:
                if (apps.All(a => a.ClientId != name)) throw NotFound(kind, name);
                var problems = DefinitionRules.Check([.. apps.Where(a => a.ClientId != name)], handlers, []).ToList();
                if (problems.Count > 0) throw new DefinitionAdminException(AdminFailure.Invalid, problems);
                await grains.GetGrain<IAppGrain>(name).Delete();
                break;
            case DefinitionPlanner.Handler:
                Find(handlers, name);
                await grains.GetGrain<IHandlerDefinitionGrain>(name).Delete();
                break;
            default:
                throw new DefinitionAdminException(AdminFailure.Invalid, [$"'{kind}' cannot be deleted (apps and handlers can; users are disabled instead)"]);
        }
        return new DefinitionChange(kind, name, ChangeAction.Delete);
    }

    /// <summary>Creates or updates one user of an import; its attributes may not belong to another user.</summary>
    public async Task<DefinitionChange> ImportUserAsync(UserRecord user)
    {
        var problems = (await UserConflicts([user])).ToList();
        if (problems.Count > 0) throw new DefinitionAdminException(AdminFailure.Invalid, problems);
        var existing = await users.GetAsync(user.Id);
        if (existing is not null && DefinitionPlanner.Same(existing, user)) return new DefinitionChange(DefinitionPlanner.User, user.Id, ChangeAction.Unchanged);
        if (await users.PutAsync(user) is { } conflict) throw new DefinitionAdminException(AdminFailure.Invalid, [$"user '{user.Id}': {conflict}"]);
        return new DefinitionChange(DefinitionPlanner.User, user.Id, existing is null ? ChangeAction.Create : ChangeAction.Update);
    }

    /// <summary>Ends every refresh token and opaque access token issued for the user, through every subject mapped to it.</summary>
    public async Task<DefinitionChange> RevokeUserAsync(string id)
    {
        if (await users.GetAsync(id) is null) throw NotFound(DefinitionPlanner.User, id);
        var user = grains.GetGrain<IUserGrain>(id);
        await user.RevokeTokens();
        var sessions = await user.GetSessions();
        await Task.WhenAll(sessions.Select(key => grains.GetGrain<ISubjectSessionGrain>(key).RevokeAll()));
        return new DefinitionChange(DefinitionPlanner.User, id, ChangeAction.Update);
    }

    /// <summary>Ends every refresh token and opaque access token issued for one subject.</summary>
    public async Task<DefinitionChange> RevokeSubjectAsync(string handler, string issuer, string subject)
    {
        if (new[] { handler, issuer, subject }.Any(string.IsNullOrEmpty))
            throw new DefinitionAdminException(AdminFailure.Invalid, ["a subject is named by its handler, issuer and subject"]);
        var key = SubjectSessionKey.For(handler, issuer, subject);
        await grains.GetGrain<ISubjectSessionGrain>(key).RevokeAll();
        return new DefinitionChange("subject", $"{handler} {issuer} {subject}", ChangeAction.Update);
    }

    public async Task<DefinitionChange> SetUserEnabledAsync(string id, bool enabled)
    {
        var user = await users.GetAsync(id) ?? throw NotFound(DefinitionPlanner.User, id);
        if (user.Enabled == enabled) return new DefinitionChange(DefinitionPlanner.User, id, ChangeAction.Unchanged);
        await grains.GetGrain<IUserGrain>(id).Put(user with { Enabled = enabled });
        return new DefinitionChange(DefinitionPlanner.User, id, ChangeAction.Update);
    }

    private async Task<DefinitionChange> PutHandler(IReadOnlyList<AppDefinition> apps, IReadOnlyList<HandlerDefinition> handlers, HandlerDefinition before, HandlerDefinition after)
    {
        var problems = DefinitionRules.Check(apps, [.. handlers.Where(h => h.Name != after.Name), after], []).ToList();
        if (problems.Count > 0) throw new DefinitionAdminException(AdminFailure.Invalid, problems);
        if (DefinitionPlanner.Same(before, after)) return new DefinitionChange(DefinitionPlanner.Handler, after.Name, ChangeAction.Unchanged);
        await grains.GetGrain<IHandlerDefinitionGrain>(after.Name).Put(after);
        return new DefinitionChange(DefinitionPlanner.Handler, after.Name, ChangeAction.Update);
    }

    /// <summary>
    /// Two users of one change whose attribute values the directory takes for the same one (it may fold more than
    /// case, e.g. the Kelvin sign to k): found here, before anything is written, rather than by the second write.
    /// </summary>
    private static IEnumerable<string> SharedDirectoryKeys(IReadOnlyList<UserRecord> desired) =>
        Enum.GetValues<UserField>()
            .SelectMany(attribute => desired
                .Where(u => u.Get(attribute) is not null)
                .GroupBy(u => UserIndexKey.For(attribute, u.Get(attribute)!), StringComparer.Ordinal)
                // Values that look alike are already DefinitionRules' problem; here those that only the directory folds together.
                .Where(g => g.Select(u => u.Get(attribute)).Distinct(attribute == UserField.FederationId ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase).Count() > 1)
                .Select(g => $"users {string.Join(", ", g.Select(u => $"'{u.Id}'"))} would share one {attribute} ('{g.First().Get(attribute)}')"));

    /// <summary>Attributes used for mapping are unique across the directory: a user may not take another's.</summary>
    private async Task<IEnumerable<string>> UserConflicts(IReadOnlyList<UserRecord> desired)
    {
        var problems = new List<string>();
        foreach (var user in desired)
        {
            foreach (var attribute in Enum.GetValues<UserField>())
            {
                if (user.Get(attribute) is { } value && await users.FindIdAsync(attribute, value) is { } owner && owner != user.Id)
                    problems.Add($"user '{user.Id}': {attribute} '{value}' belongs to user '{owner}'");
            }
        }
        return problems;
    }

    private static HandlerDefinition Find(IReadOnlyList<HandlerDefinition> handlers, string name) =>
        handlers.FirstOrDefault(h => h.Name == name) ?? throw NotFound(DefinitionPlanner.Handler, name);

    private static DefinitionAdminException NotFound(string kind, string name) => new(AdminFailure.NotFound, [$"{kind} '{name}' does not exist"]);
}

public enum AdminFailure
{
    Invalid,
    NotFound,
}

/// <summary>A refused admin change: every problem found, and whether something was missing or invalid.</summary>
public sealed class DefinitionAdminException(AdminFailure failure, IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public AdminFailure Failure { get; } = failure;
    public IReadOnlyList<string> Problems { get; } = problems;
}
