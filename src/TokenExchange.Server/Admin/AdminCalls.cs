using System.Diagnostics;
using Grpc.Core;
using TokenExchange.Silo.Admin;
using TokenExchange.Silo.Events;

namespace TokenExchange.Server.Admin;

/// <summary>
/// How every admin API call runs: authorized by <see cref="AdminAuthenticator"/>; a change also becomes one audit
/// event (<see cref="TokenEvents.RecordAdmin"/>) naming who made it and what changed, whether it is made or refused.
/// </summary>
internal sealed class AdminCalls(AdminAuthenticator authenticator, TokenEvents events)
{
    /// <summary>A read: authorized, nothing audited.</summary>
    public async Task<T> ReadAsync<T>(ServerCallContext context, Func<Task<T>> read)
    {
        await authenticator.AuthorizeAsync(context);
        try
        {
            return await read();
        }
        catch (DefinitionAdminException e)
        {
            throw ToRpc(e);
        }
    }

    /// <summary>A change: authorized, then one audit event whether it is made or refused (none for a dry run: <paramref name="audit"/> null).</summary>
    public async Task<T> ChangeAsync<T>(ServerCallContext context, AdminChangeAudit? audit, Func<AdminChangeAudit, Task<T>> change)
    {
        var actor = await authenticator.AuthorizeAsync(context);
        var startedAt = Stopwatch.GetTimestamp();
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString();
        var record = audit ?? new AdminChangeAudit("dry-run");
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
}
