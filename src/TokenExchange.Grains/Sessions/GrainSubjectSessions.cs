using TokenExchange.Handlers;

namespace TokenExchange.Grains.Sessions;

public sealed class GrainSubjectSessions(IGrainFactory grains) : ISubjectSessions
{
    public Task<UserResolution> ResolveUserAsync(SubjectUserRequest request) =>
        grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(request.HandlerName, request.Subject.Issuer, request.Subject.Subject)).ResolveUser(request);

    public Task StoreAsync(string handleKey, OpaqueAccessToken token) => grains.GetGrain<IOpaqueAccessTokenGrain>(handleKey).Set(token);
}
