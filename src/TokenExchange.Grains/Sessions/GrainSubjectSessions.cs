using TokenExchange.Handlers;

namespace TokenExchange.Grains.Sessions;

public sealed class GrainSubjectSessions(IGrainFactory grains) : ISubjectSessions
{
    public Task<UserResolution> ResolveUserAsync(string handler, string issuer, string subject, UserLookup lookup) =>
        grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(handler, issuer, subject)).ResolveUser(lookup);
}
