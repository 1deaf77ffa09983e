using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>The subject sessions, as a handler's exchange needs them: the user for a validated subject.</summary>
public interface ISubjectSessions : Tokens.IOpaqueTokenStore
{
    /// <param name="sessionKey">The session's key (<see cref="SubjectSessionKey.Utf8For"/>), made once per exchange by the caller, which mints with it too.</param>
    ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken);
}
