using TokenExchange.Abstractions;
using TokenExchange.Core.Handlers;
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
    public Task<UserResolution> ResolveUserAsync(SubjectUserRequest request, CancellationToken cancellationToken)
    {
        var session = grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(request.HandlerName, request.Subject.Issuer, request.Subject.Subject));
        var once = request.Refresh is null ? request : request with { RequestId = Guid.NewGuid().ToString("N") };
        return retry.CallAsync(() => session.ResolveUser(once), cancellationToken);
    }

    /// <summary>Recording a handle is idempotent: a repeat writes the same record.</summary>
    public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) =>
        retry.CallAsync(() => grains.GetGrain<IOpaqueAccessTokenGrain>(handleKey).Set(token), cancellationToken);
}
