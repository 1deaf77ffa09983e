using TokenExchange.Abstractions;
using TokenExchange.Core.Handlers;
using TokenExchange.Grains;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Silo.Sessions;

/// <summary>
/// The subject sessions as grains. Each call is retried when its silo died or is leaving
/// (<see cref="GrainCallRetry"/>); a call that starts a refresh token family carries a request id of its
/// own, so a repeat after a lost answer gives the same family a fresh token rather than a second family.
/// </summary>
public sealed class GrainSubjectSessions(IGrainFactory grains, GrainCallRetry retry) : ISubjectSessions
{
    public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
    {
        // GrainReferences resolves the grain's types once and publishes them as one object: a cache of its own here
        // (a nullable struct pair) could be read torn by a concurrent first call, which then held an untyped reference
        // and failed its exchange with server_error (seen once in the rolling-restart drill, on a restarted silo).
        var session = grains.Reference<ISubjectSessionGrain>(sessionKey.Bytes);
        var once = request.Refresh is null ? request : request with { RequestId = Guid.NewGuid().ToString("N") };
        return retry.CallAsync(static (call, cancellationToken) => call.Session.ResolveUser(call.Request, cancellationToken), (Session: session, Request: once), cancellationToken);
    }

    /// <summary>Recording a handle is idempotent: a repeat writes the same record.</summary>
    public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) =>
        retry.CallAsync(() => grains.GetGrain<IOpaqueAccessTokenGrain>(handleKey).Set(token), cancellationToken);
}
