using TokenExchange.Core.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Validate the subject: the chosen handler's implementation decides (docs/spec.md section 5): the built-in
/// <c>jwt</c> one (<see cref="JwtSubjectTokenValidator"/>), <c>introspection</c> at the IdP
/// (<see cref="IntrospectionImplementation"/>), or an operator's plugin (<see cref="PluginImplementation"/>).
/// Its refusal is the client's error as the handler words it.
/// </summary>
public static class SubjectTokenValidation
{
    public static ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(IHandlerImplementation handler, AuthorizedExchange exchange, CancellationToken cancellationToken) =>
        handler.ValidateAsync(exchange, cancellationToken);
}
