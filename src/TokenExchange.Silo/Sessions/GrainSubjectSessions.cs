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
    /// <summary>
    /// The session grain's type and interface, resolved once: GetGrain&lt;T&gt;(key) resolves them on every call
    /// (reading T's attributes and formatting its name), which is most of what a reference costs.
    /// </summary>
    private (GrainType Grain, GrainInterfaceType Interface)? sessionType;

    public ValueTask<UserResolution> ResolveUserAsync(string sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
    {
        var (grainType, interfaceType) = sessionType ??= SessionType();
        var session = (ISubjectSessionGrain)grains.GetGrain(GrainId.Create(grainType, sessionKey), interfaceType);
        var once = request.Refresh is null ? request : request with { RequestId = Guid.NewGuid().ToString("N") };
        return retry.CallAsync(static call => call.Session.ResolveUser(call.Request), (Session: session, Request: once), cancellationToken);
    }

    private (GrainType, GrainInterfaceType) SessionType()
    {
        var reference = (GrainReference)grains.GetGrain<ISubjectSessionGrain>("-");
        return (reference.GrainId.Type, reference.InterfaceType);
    }

    /// <summary>Recording a handle is idempotent: a repeat writes the same record.</summary>
    public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) =>
        retry.CallAsync(() => grains.GetGrain<IOpaqueAccessTokenGrain>(handleKey).Set(token), cancellationToken);
}
