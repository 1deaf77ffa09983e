using TokenExchange.Grains;

namespace TokenExchange.Handlers;

/// <summary>The subject sessions, as a handler's exchange needs them: the user for a subject.</summary>
public interface ISubjectSessions
{
    Task<UserResolution> ResolveUserAsync(string handler, string issuer, string subject, UserLookup lookup);
}
