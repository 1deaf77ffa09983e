using System.Text.Json;
using Grpc.Core;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Grains.Admin;
using TokenExchange.Protos.V1;
using Change = TokenExchange.Protos.V1.Change;
using Definition = TokenExchange.Protos.V1.Definition;

namespace TokenExchange.Server.Admin;

/// <summary>The admin API: a thin adapter over <see cref="DefinitionAdmin"/>, behind <see cref="AdminAuthenticator"/>.</summary>
public sealed class AdminGrpcService(AdminAuthenticator authenticator, DefinitionAdmin admin, KeyAdmin keys, AdminAudit audit, ILogger<AdminGrpcService> logger) : Protos.V1.Admin.AdminBase
{
    public override Task<ApplyResponse> Apply(ApplyRequest request, ServerCallContext context) => Run(context, async () =>
    {
        ClusterDefinitions desired;
        try
        {
            desired = ConfigLoader.ParseDocument(request.Document);
        }
        catch (ConfigException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        var changes = await admin.ApplyAsync(desired, request.Prune, request.DryRun);
        if (!request.DryRun) Audit(context, "apply", changes);
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

    public override Task<Change> Delete(DeleteRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, "delete", await admin.DeleteAsync(request.Kind, request.Name)));

    public override Task<Change> EnableApp(EnableAppRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, "enable-app", await admin.EnableAppAsync(request.Handler, request.ClientId, request.Default, request.AllowUserCreation)));

    public override Task<Change> DisableApp(DisableAppRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, "disable-app", await admin.DisableAppAsync(request.Handler, request.ClientId)));

    public override Task<Change> SetUserEnabled(SetUserEnabledRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, request.Enabled ? "enable-user" : "disable-user", await admin.SetUserEnabledAsync(request.Id, request.Enabled)));

    public override Task<Change> RevokeUser(RevokeUserRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, "revoke-user", await admin.RevokeUserAsync(request.Id)));

    public override Task<Change> RevokeSubject(RevokeSubjectRequest request, ServerCallContext context) => Run(context, async () =>
        Audited(context, "revoke-subject", await admin.RevokeSubjectAsync(request.Handler, request.Issuer, request.Subject)));

    public override Task<ImportUsersResponse> ImportUsers(IAsyncStreamReader<User> requestStream, ServerCallContext context) => Run(context, async () =>
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
        logger.LogInformation("admin import-users: {Created} created, {Updated} updated, {Unchanged} unchanged, {Failed} failed, from {Address}",
            response.Created, response.Updated, response.Unchanged, response.Failed, context.GetHttpContext().Connection.RemoteIpAddress?.ToString());
        return response;
    });

    public override Task<KeyList> RotateKeys(RotateKeysRequest request, ServerCallContext context) => Run(context, async () =>
    {
        var list = await keys.RotateAsync();
        logger.LogInformation("admin rotate-keys: new key {KeyId} from {Address}", list.Keys.MaxBy(k => k.ActivatesAt)?.Kid, context.GetHttpContext().Connection.RemoteIpAddress?.ToString());
        return list;
    });

    public override Task<KeyList> ListKeys(ListKeysRequest request, ServerCallContext context) => Run(context, keys.ListAsync);

    private async Task<(DefinitionChange? Change, string? Problem)> ImportOne(User user, int line)
    {
        if (user.Id.Length is 0 or > 256) return (null, $"user #{line}: id is required (at most 256 characters)");
        try
        {
            return (await admin.ImportUserAsync(new UserRecord
            {
                Id = user.Id,
                Username = Optional(user.Username),
                Email = Optional(user.Email),
                FederationId = Optional(user.FederationId),
                DisplayName = Optional(user.DisplayName),
                Enabled = !user.Disabled,
            }), null);
        }
        catch (DefinitionAdminException e)
        {
            return (null, e.Message);
        }
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;

    private async Task<T> Run<T>(ServerCallContext context, Func<Task<T>> action)
    {
        await authenticator.AuthorizeAsync(context);
        try
        {
            return await action();
        }
        catch (DefinitionAdminException e)
        {
            throw new RpcException(new Status(e.Failure == AdminFailure.NotFound ? StatusCode.NotFound : StatusCode.FailedPrecondition, e.Message));
        }
    }

    private static IEnumerable<Definition> Select<T>(IReadOnlyList<T> items, Func<T, string> name, string wanted, Func<T, string> json, string kind)
    {
        var selected = items.Where(i => wanted.Length == 0 || name(i) == wanted).OrderBy(name, StringComparer.Ordinal).ToList();
        if (wanted.Length > 0 && selected.Count == 0) throw new RpcException(new Status(StatusCode.NotFound, $"{kind} '{wanted}' does not exist"));
        return selected.Select(i => new Definition { Kind = kind, Name = name(i), Json = json(i) });
    }

    private Change Audited(ServerCallContext context, string operation, DefinitionChange change)
    {
        Audit(context, operation, [change]);
        return ToProto(change);
    }

    private void Audit(ServerCallContext context, string operation, IReadOnlyList<DefinitionChange> changes) =>
        audit.Record(operation, changes, context.GetHttpContext().Connection.RemoteIpAddress?.ToString(), "admin API");

    private static Change ToProto(DefinitionChange change) => new() { Kind = change.Kind, Name = change.Name, Action = change.Action.ToString().ToLowerInvariant() };
}
