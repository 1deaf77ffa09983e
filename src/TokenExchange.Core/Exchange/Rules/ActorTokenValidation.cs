using TokenExchange.Core.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Validate the actor (RFC 8693 section 4.1): an actor token passes the same handler as the subject token, as
/// strictly. Its refusal names the actor token, so the client knows which of its two tokens failed.
/// </summary>
public static class ActorTokenValidation
{
    /// <summary>No actor and no error when the request has no actor token.</summary>
    public static ValueTask<(ValidatedSubject? Actor, OAuthError? Error)> ValidateAsync(IHandlerImplementation handler, AuthorizedExchange exchange, CancellationToken cancellationToken) =>
        exchange.ActorToken is { } actorToken ? ValidateActorAsync(handler, exchange, actorToken, cancellationToken) : default;

    /// <summary>The earlier of the subject and actor token's expiry: no token issued for the pair outlives either; on a tie, the subject's.</summary>
    public static DateTimeOffset? EarlierExpiry(ValidatedSubject subject, ValidatedSubject? actor) =>
        actor?.ExpiresAt is { } actorExpires && (subject.ExpiresAt is null || actorExpires < subject.ExpiresAt) ? actorExpires : subject.ExpiresAt;

    private static async ValueTask<(ValidatedSubject? Actor, OAuthError? Error)> ValidateActorAsync(IHandlerImplementation handler, AuthorizedExchange exchange, string actorToken, CancellationToken cancellationToken)
    {
        var (actor, invalid) = await handler.ValidateAsync(exchange with { SubjectToken = actorToken, SubjectTokenType = exchange.ActorTokenType! }, cancellationToken).ConfigureAwait(false);
        return invalid is null
            ? (actor, null)
            : (null, invalid with { Description = "actor_token: " + invalid.Description.Replace("subject_token", "actor_token", StringComparison.Ordinal) });
    }
}
