using TokenExchange.Sessions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Resolve the user: what the exchange asks of the subject session (the exchange's one grain call, made at the
/// pipeline's edge through <see cref="TokenExchange.Core.Handlers.ISubjectSessions"/>): the user for this validated subject, created
/// only where the app's enablement of the handler allows it, and a refresh token family started in the same call
/// when one is to be issued.
/// </summary>
public static class UserResolutionRequest
{
    public static SubjectUserRequest For(AuthorizedExchange exchange, ValidatedSubject subject, string? act, DateTimeOffset? expires) => new()
    {
        HandlerName = exchange.HandlerName,
        ClientId = exchange.App.ClientId,
        AllowUserCreation = exchange.Enablement.AllowUserCreation,
        Subject = subject,
        Refresh = exchange.IssueRefreshToken ? RefreshGrantFor(exchange, act, expires) : null,
        RefreshLifetime = exchange.App.RefreshTokens.Lifetime,
        RefreshAbsoluteLifetime = exchange.App.RefreshTokens.EffectiveAbsoluteLifetime,
    };

    /// <summary>
    /// What the refresh token carries forward. A delegated exchange's act chain stays with the family, and so does
    /// the earlier of the subject and actor token's expiry, which no token of the family outlives (unless the app's
    /// policy lets its tokens outlive the subject token).
    /// </summary>
    private static RefreshGrant RefreshGrantFor(AuthorizedExchange exchange, string? act, DateTimeOffset? expires) => new()
    {
        ClientId = exchange.App.ClientId,
        HandlerName = exchange.HandlerName,
        Scopes = exchange.Scopes,
        Audiences = exchange.Audiences,
        Act = act,
        NotAfter = act is not null && !exchange.App.AccessToken.MayOutliveSubjectToken ? expires : null,
        DpopThumbprint = exchange.RefreshDpopThumbprint,
    };
}
