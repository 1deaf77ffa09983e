using Grpc.Core;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Protos.V1;
using TokenExchange.Silo.Admin;
using TokenExchange.Silo.Events;
using TokenExchange.Storage;
using Change = TokenExchange.Protos.V1.Change;
using Definition = TokenExchange.Protos.V1.Definition;

namespace TokenExchange.Server.Admin;

/// <summary>
/// The admin API: a thin adapter over <see cref="DefinitionAdmin"/>. Every call is authorized, and every change
/// audited, by <see cref="AdminCalls"/>; the user import is <see cref="UserImport"/>, the audit query
/// <see cref="AuditQueries"/> (on <paramref name="auditTable"/>, when the server keeps one).
/// </summary>
public sealed class AdminGrpcService(AdminAuthenticator authenticator, DefinitionAdmin admin, UserLinkAdmin links, KeyAdmin keys, TokenEvents events, AuditTable? auditTable = null) : Protos.V1.Admin.AdminBase
{
    private readonly AdminCalls calls = new(authenticator, events);

    public override Task<ApplyResponse> Apply(ApplyRequest request, ServerCallContext context) => calls.ChangeAsync(context, request.DryRun ? null : new AdminChangeAudit("apply"), async audit =>
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
        return new ApplyResponse { DryRun = request.DryRun, Changes = { changes.Select(AdminProtos.ToProto) } };
    });

    public override Task<GetResponse> Get(GetRequest request, ServerCallContext context) => calls.ReadAsync(context, async () =>
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
        calls.ChangeAsync(context, new AdminChangeAudit("delete") { ClientId = request.Kind == DefinitionPlanner.App ? request.Name : null, Handler = request.Kind == DefinitionPlanner.Handler ? request.Name : null },
            async audit => audit.One(await admin.DeleteAsync(request.Kind, request.Name)));

    public override Task<Change> EnableApp(EnableAppRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("enable-app") { ClientId = request.ClientId, Handler = request.Handler },
            async audit => audit.One(await admin.PutEnablementAsync(request.Handler, request.ClientId, request.Default, request.AllowUserCreation)));

    public override Task<Change> DisableApp(DisableAppRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("disable-app") { ClientId = request.ClientId, Handler = request.Handler },
            async audit => audit.One(await admin.RemoveEnablementAsync(request.Handler, request.ClientId)));

    public override Task<Change> SetUserEnabled(SetUserEnabledRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit(request.Enabled ? "enable-user" : "disable-user") { UserId = request.Id },
            async audit => audit.One(await admin.SetUserEnabledAsync(request.Id, request.Enabled)));

    public override Task<Change> RevokeUser(RevokeUserRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("revoke-user") { UserId = request.Id }, async audit => audit.One(await admin.RevokeUserAsync(request.Id)));

    public override Task<Change> RevokeSubject(RevokeSubjectRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("revoke-subject") { Handler = request.Handler },
            async audit => audit.One(await admin.RevokeSubjectAsync(request.Handler, request.Issuer, request.Subject)));

    public override Task<ImportUsersResponse> ImportUsers(IAsyncStreamReader<User> requestStream, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("import-users"), async audit =>
        {
            var response = await new UserImport(admin, links).RunAsync(requestStream, context.CancellationToken);
            audit.Summary = $"{response.Created} created, {response.Updated} updated, {response.Unchanged} unchanged, {response.Failed} failed";
            return response;
        });

    public override Task<UserLinks> ListUserLinks(ListUserLinksRequest request, ServerCallContext context) => calls.ReadAsync(context, async () =>
    {
        var (found, createdBy) = await links.ListAsync(request.Id);
        return new UserLinks { Links = { found.Select(l => new UserLink { Handler = l.Handler, Issuer = l.Issuer, Subject = l.Subject }) }, CreatedBy = createdBy ?? "" };
    });

    public override Task<Change> UnlinkUser(UnlinkUserRequest request, ServerCallContext context) =>
        calls.ChangeAsync(context, new AdminChangeAudit("unlink-user") { UserId = request.Id, Handler = request.Link?.Handler },
            async audit => audit.One(await links.UnlinkAsync(request.Id, (request.Link ?? new UserLink()).ToIdentity())));

    public override Task<KeyList> RotateKeys(RotateKeysRequest request, ServerCallContext context) => calls.ChangeAsync(context, new AdminChangeAudit("rotate-keys"), async audit =>
    {
        var list = await keys.RotateAsync();
        audit.Summary = $"new key {list.Keys.MaxBy(k => k.ActivatesAt)?.Kid}";
        return list;
    });

    public override Task<AuditEvents> QueryAudit(AuditQuery request, ServerCallContext context) =>
        calls.ReadAsync(context, () => AuditQueries.RunAsync(auditTable, request, context.CancellationToken));

    public override Task<KeyList> ListKeys(ListKeysRequest request, ServerCallContext context) => calls.ReadAsync(context, keys.ListAsync);

    private static IEnumerable<Definition> Select<T>(IReadOnlyList<T> items, Func<T, string> name, string wanted, Func<T, string> json, string kind)
    {
        var selected = items.Where(i => wanted.Length == 0 || name(i) == wanted).OrderBy(name, StringComparer.Ordinal).ToList();
        if (wanted.Length > 0 && selected.Count == 0) throw new RpcException(new Status(StatusCode.NotFound, $"{kind} '{wanted}' does not exist"));
        return selected.Select(i => new Definition { Kind = kind, Name = name(i), Json = json(i) });
    }
}
