using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using static TokenExchange.Core.Handlers.RuleBasedUserMapping;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The built-in <c>jwt</c> handler: validation by <see cref="JwtSubjectTokenValidator"/>, user mapping by
/// the definition's rule (<see cref="RuleBasedUserMapping"/>).
/// </summary>
public sealed class JwtImplementation(JwtSubjectTokenValidator validator, UserMappingRule rule) : IHandlerImplementation
{
    public async ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(exchange.SubjectToken, exchange.SubjectTokenType, cancellationToken).ConfigureAwait(false);
        if (validation.Error is { } error) return (null, error);
        var claims = validation.Claims;
        var emailVerified = validation.EmailVerified;
        return (new ValidatedSubject
        {
            Subject = validation.Subject!,
            Issuer = validation.Issuer!,
            Claims = claims,
            Username = claims.GetValueOrDefault(StandardClaims.PreferredUsername),
            Email = emailVerified ? claims.GetValueOrDefault(StandardClaims.Email) : null,
            DisplayName = claims.GetValueOrDefault(StandardClaims.Name),
            ExpiresAt = validation.Expires,
            EmailVerified = emailVerified,
        }, null);
    }

    public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
        RuleBasedUserMapping.MapAsync(rule, request, users);
}
