using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The two operations of a handler (docs/spec.md, section 5) as the cluster runs them: failures come back as the
/// OAuth error the client sees, whatever the implementation did (returned, threw, hung).
/// </summary>
public interface IHandlerImplementation
{
    ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken);

    Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken);
}
