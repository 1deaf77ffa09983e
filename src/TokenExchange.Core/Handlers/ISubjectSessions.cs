using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>The subject sessions, as a handler's exchange needs them: the user for a validated subject.</summary>
public interface ISubjectSessions : Tokens.IOpaqueTokenStore
{
    Task<UserResolution> ResolveUserAsync(SubjectUserRequest request, CancellationToken cancellationToken);
}
