using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>The subject sessions, as a handler's exchange needs them: the user for a validated subject.</summary>
public interface ISubjectSessions : Tokens.IOpaqueTokenStore
{
    /// <param name="sessionKey">The session's key (<see cref="SubjectSessionKey"/>), made once per exchange by the caller, which mints with it too.</param>
    ValueTask<UserResolution> ResolveUserAsync(string sessionKey, SubjectUserRequest request, CancellationToken cancellationToken);
}
