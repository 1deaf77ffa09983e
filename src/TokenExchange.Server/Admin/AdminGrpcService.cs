using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Silo.Admin;
using TokenExchange.Silo.Events;
using TokenExchange.Protos.V1;
using TokenExchange.Storage;
using Change = TokenExchange.Protos.V1.Change;
using Definition = TokenExchange.Protos.V1.Definition;

namespace TokenExchange.Server.Admin;

/// <summary>
/// The admin API: a thin adapter over <see cref="DefinitionAdmin"/>, behind <see cref="AdminAuthenticator"/>.
/// Every change, made or refused, becomes one audit event (<see cref="TokenEvents.RecordAdmin"/>) naming who
/// made it and what changed. The audit table is read through <paramref name="auditTable"/> when the server keeps one.
/// </summary>
public sealed class AdminGrpcService(AdminAuthenticator authenticator, DefinitionAdmin admin, UserLinkAdmin links, KeyAdmin keys, TokenEvents events, AuditTable? auditTable = null) : Protos.V1.Admin.AdminBase
{
    public override Task<ApplyResponse> Apply(ApplyRequest request, ServerCallContext context) => Change(context, request.DryRun ? null : new Audit("apply"), async audit =>
    {
        ClusterDefinitions desired;
        // What txctl get shows in place of a secret keeps the stored one: the document is read against what is stored.
        var (apps, handlers) = await admin.LoadAsync();
        try
        {
            desired = ConfigLoader.ParseDocument(request.Document, new StoredDefinitions(apps, handlers));
        }
        catch (ConfigException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        var changes = await admin.ApplyAsync(desired, request.Prune, request.DryRun);
        audit.Changes = changes;
        return new ApplyResponse { DryRun = request.DryRun, Changes = { changes.Select(ToProto) } };
    });

    public override Task<GetResponse> Get(GetRequest request, ServerCallContext context) => Run(context, async () =>
    {
        var response = new GetResponse();
        switch (request.Kind)
        {
            case DefinitionPlanner.App:
                var (apps, _) = await admin.LoadAsync();
                response.Items.Add(Select(apps, a => a.ClientId, request.Name, DefinitionViews.App, DefinitionPlanner.App));
                break;
            case DefinitionPlanner.Handler:
                var (_, handlers) = await admin.LoadAsync();
                response.Items.Add(Select(handlers, h => h.Name, request.Name, DefinitionViews.Handler, DefinitionPlanner.Handler));
                break;
            case DefinitionPlanner.User when request.Name.Length == 0:
                var limit = request.Limit is > 0 and <= 1000 ? request.Limit : 100;
                var page = await admin.ListUsersAsync(request.After.Length > 0 ? request.After : null, limit);
                response.Items.Add(page.Select(u => new Definition { Kind = DefinitionPlanner.User, Name = u.Id, Json = DefinitionViews.User(u) }));
                break;
            case DefinitionPlanner.User:
                var user = await admin.GetUserAsync(request.Name) ?? throw new RpcException(new Status(StatusCode.NotFound, $"user '{request.Name}' does not exist"));
                response.Items.Add(new Definition { Kind = DefinitionPlanner.User, Name = user.Id, Json = DefinitionViews.User(user) });
                break;
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "kind must be app, handler or user"));
        }
        return response;
    });

    public override Task<Change> Delete(DeleteRequest request, ServerCallContext context) =>
        Change(context, new Audit("delete") { ClientId = request.Kind == DefinitionPlanner.App ? request.Name : null, Handler = request.Kind == DefinitionPlanner.Handler ? request.Name : null },
            async audit => audit.One(await admin.DeleteAsync(request.Kind, request.Name)));

    public override Task<Change> EnableApp(EnableAppRequest request, ServerCallContext context) =>
        Change(context, new Audit("enable-app") { ClientId = request.ClientId, Handler = request.Handler },
            async audit => audit.One(await admin.EnableAppAsync(request.Handler, request.ClientId, request.Default, request.AllowUserCreation)));

    public override Task<Change> DisableApp(DisableAppRequest request, ServerCallContext context) =>
        Change(context, new Audit("disable-app") { ClientId = request.ClientId, Handler = request.Handler },
            async audit => audit.One(await admin.DisableAppAsync(request.Handler, request.ClientId)));

    public override Task<Change> SetUserEnabled(SetUserEnabledRequest request, ServerCallContext context) =>
        Change(context, new Audit(request.Enabled ? "enable-user" : "disable-user") { UserId = request.Id },
            async audit => audit.One(await admin.SetUserEnabledAsync(request.Id, request.Enabled)));

    public override Task<Change> RevokeUser(RevokeUserRequest request, ServerCallContext context) =>
        Change(context, new Audit("revoke-user") { UserId = request.Id }, async audit => audit.One(await admin.RevokeUserAsync(request.Id)));

    public override Task<Change> RevokeSubject(RevokeSubjectRequest request, ServerCallContext context) =>
        Change(context, new Audit("revoke-subject") { Handler = request.Handler },
            async audit => audit.One(await admin.RevokeSubjectAsync(request.Handler, request.Issuer, request.Subject)));

    public override Task<ImportUsersResponse> ImportUsers(IAsyncStreamReader<User> requestStream, ServerCallContext context) => Change(context, new Audit("import-users"), async audit =>
    {
        const int maxProblems = 20;
        var response = new ImportUsersResponse();
        var seen = 0;
        // A handful of users in flight at once: each is a few grain calls, mostly waiting on storage.
        var inFlight = new List<Task<(DefinitionChange? Change, string? Problem)>>();
        async Task Drain(int keep)
        {
            while (inFlight.Count > keep)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                var (change, problem) = await done;
                if (problem is not null)
                {
                    response.Failed++;
                    if (response.Problems.Count < maxProblems) response.Problems.Add(problem);
                }
                else if (change!.Action == ChangeAction.Create) response.Created++;
                else if (change.Action == ChangeAction.Update) response.Updated++;
                else response.Unchanged++;
            }
        }
        await foreach (var user in requestStream.ReadAllAsync(context.CancellationToken))
        {
            seen++;
            inFlight.Add(ImportOne(user, seen));
            await Drain(keep: 16);
        }
        await Drain(keep: 0);
        audit.Summary = $"{response.Created} created, {response.Updated} updated, {response.Unchanged} unchanged, {response.Failed} failed";
        return response;
    });

    public override Task<UserLinks> ListUserLinks(ListUserLinksRequest request, ServerCallContext context) => Run(context, async () =>
    {
        var (found, createdBy) = await links.ListAsync(request.Id);
        return new UserLinks { Links = { found.Select(l => new UserLink { Handler = l.Handler, Issuer = l.Issuer, Subject = l.Subject }) }, CreatedBy = createdBy ?? "" };
    });

    public override Task<Change> UnlinkUser(UnlinkUserRequest request, ServerCallContext context) =>
        Change(context, new Audit("unlink-user") { UserId = request.Id, Handler = request.Link?.Handler },
            async audit => audit.One(await links.UnlinkAsync(request.Id, Identity(request.Link ?? new UserLink()))));

    private static ExternalIdentity Identity(UserLink link) => new(link.Handler, link.Issuer, link.Subject);

    public override Task<KeyList> RotateKeys(RotateKeysRequest request, ServerCallContext context) => Change(context, new Audit("rotate-keys"), async audit =>
    {
        var list = await keys.RotateAsync();
        audit.Summary = $"new key {list.Keys.MaxBy(k => k.ActivatesAt)?.Kid}";
        return list;
    });

    public override Task<AuditEvents> QueryAudit(AuditQuery request, ServerCallContext context) => Run(context, async () =>
    {
        if (auditTable is null)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "this server keeps no audit table: start the servers with --audit postgres (and --postgres); meanwhile the trail is in their logs (category TokenExchange.Audit)"));
        var filter = new AuditFilter
        {
            Since = Time(request.Since, "since"),
            Until = Time(request.Until, "until"),
            ClientId = Optional(request.App),
            Handler = Optional(request.Handler),
            Outcome = Optional(request.Outcome) is { } outcome
                ? outcome is "ok" or "refused" ? outcome : throw new RpcException(new Status(StatusCode.InvalidArgument, "outcome must be ok or refused"))
                : null,
            Operation = Optional(request.Operation) is { } operation
                ? Enum.GetNames<TokenOperation>().Any(n => n.Equals(operation, StringComparison.OrdinalIgnoreCase)) ? operation.ToLowerInvariant()
                    : throw new RpcException(new Status(StatusCode.InvalidArgument, "operation must be exchange, refresh, introspect, revoke or admin"))
                : null,
            Limit = request.Limit is > 0 and <= 1000 ? request.Limit : request.Limit == 0 ? 100 : throw new RpcException(new Status(StatusCode.InvalidArgument, "limit must be between 1 and 1000")),
        };
        var rows = await auditTable.QueryAsync(filter, context.CancellationToken);
        return new AuditEvents { Events = { rows.Select(ToProto) } };
    });

    public override Task<KeyList> ListKeys(ListKeysRequest request, ServerCallContext context) => Run(context, keys.ListAsync);

    private async Task<(DefinitionChange? Change, string? Problem)> ImportOne(User user, int line)
    {
        if (user.Id.Length is 0 or > 256) return (null, $"user #{line}: id is required (at most 256 characters)");
        try
        {
            var change = await admin.ImportUserAsync(new UserRecord
            {
                Id = user.Id,
                Username = Optional(user.Username),
                Email = Optional(user.Email),
                FederationId = Optional(user.FederationId),
                DisplayName = Optional(user.DisplayName),
                Enabled = !user.Disabled,
            });
            var linked = false;
            foreach (var link in user.Links) linked |= await links.LinkAsync(user.Id, Identity(link));
            return (linked && change.Action == ChangeAction.Unchanged ? change with { Action = ChangeAction.Update } : change, null);
        }
        catch (DefinitionAdminException e)
        {
            return (null, e.Message);
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    /// <summary>A read: authorized, nothing audited.</summary>
    private async Task<T> Run<T>(ServerCallContext context, Func<Task<T>> action)
    {
        await authenticator.AuthorizeAsync(context);
        try
        {
            return await action();
        }
        catch (DefinitionAdminException e)
        {
            throw ToRpc(e);
        }
    }

    /// <summary>A change: authorized, then one audit event whether it is made or refused (none for a dry run: <paramref name="audit"/> null).</summary>
    private async Task<T> Change<T>(ServerCallContext context, Audit? audit, Func<Audit, Task<T>> change)
    {
        var actor = await authenticator.AuthorizeAsync(context);
        var startedAt = Stopwatch.GetTimestamp();
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        var record = audit ?? new Audit("dry-run");
        try
        {
            var result = await change(record);
            if (audit is not null) events.RecordAdmin(startedAt, actor, audit.Describe(), null, null, address, audit.ClientId, audit.Handler, audit.UserId);
            return result;
        }
        catch (DefinitionAdminException e)
        {
            if (audit is not null) events.RecordAdmin(startedAt, actor, audit.Describe(), e.Failure == AdminFailure.NotFound ? "not_found" : "invalid", e.Message, address, audit.ClientId, audit.Handler, audit.UserId);
            throw ToRpc(e);
        }
        catch (RpcException e)
        {
            if (audit is not null) events.RecordAdmin(startedAt, actor, audit.Describe(), e.StatusCode.ToString().ToLowerInvariant(), e.Status.Detail, address, audit.ClientId, audit.Handler, audit.UserId);
            throw;
        }
    }

    private static RpcException ToRpc(DefinitionAdminException e) =>
        new(new Status(e.Failure == AdminFailure.NotFound ? StatusCode.NotFound : StatusCode.FailedPrecondition, e.Message));

    private static DateTimeOffset? Time(string value, string name) =>
        value.Length == 0 ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{name} must be an RFC 3339 time"));

    private static AuditEvent ToProto(AuditRow row) => new()
    {
        Time = row.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        Operation = row.Operation,
        Outcome = row.Outcome,
        App = row.ClientId ?? "",
        Handler = row.Handler ?? "",
        Error = row.ErrorCode ?? "",
        Reason = row.Reason ?? "",
        UserId = row.UserId ?? "",
        TokenHash = row.TokenHash ?? "",
        ClientAddress = row.ClientAddress ?? "",
        Silo = row.Silo ?? "",
        Actor = row.Actor ?? "",
        Detail = row.Detail ?? "",
        ElapsedMs = row.ElapsedMs,
    };

    private static IEnumerable<Definition> Select<T>(IReadOnlyList<T> items, Func<T, string> name, string wanted, Func<T, string> json, string kind)
    {
        var selected = items.Where(i => wanted.Length == 0 || name(i) == wanted).OrderBy(name, StringComparer.Ordinal).ToList();
        if (wanted.Length > 0 && selected.Count == 0) throw new RpcException(new Status(StatusCode.NotFound, $"{kind} '{wanted}' does not exist"));
        return selected.Select(i => new Definition { Kind = kind, Name = name(i), Json = json(i) });
    }

    private static Change ToProto(DefinitionChange change) => new() { Kind = change.Kind, Name = change.Name, Action = change.Action.ToString().ToLowerInvariant() };

    /// <summary>What one admin call changed, gathered while it runs, for its audit event.</summary>
    private sealed class Audit(string action)
    {
        public string? ClientId { get; init; }
        public string? Handler { get; init; }
        public string? UserId { get; init; }
        public IReadOnlyList<DefinitionChange> Changes { get; set; } = [];
        public string? Summary { get; set; }

        public Change One(DefinitionChange change)
        {
            Changes = [change];
            return ToProto(change);
        }

        /// <summary>"apply: create app billing-service, update handler partner" — names and actions, never values.</summary>
        public string Describe()
        {
            var changed = Changes.Where(c => c.Action != ChangeAction.Unchanged).Select(c => $"{c.Action.ToString().ToLowerInvariant()} {c.Kind} {c.Name}").ToList();
            var what = Summary ?? (changed.Count > 0 ? string.Join(", ", changed) : Changes.Count > 0 ? "no change" : null);
            return what is null ? action : $"{action}: {what}";
        }
    }
}
