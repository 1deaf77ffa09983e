using TokenExchange.Definitions;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Mint: the cluster's own tokens for the resolved user (<see cref="TokenMinter"/>: RFC 9068 access token, ID token,
/// the refresh token the subject session issued), carrying the subject session's id (<c>sid</c>) so introspection
/// can tell when the session was revoked; an app whose policy asks for opaque access tokens gets a handle instead
/// (<see cref="OpaqueAccessTokens"/>). Shared by the exchange and the refresh grant.
/// </summary>
public static class Minting
{
    /// <param name="sessionKey">The subject session the tokens come from (<see cref="SubjectSessionKey"/>).</param>
    /// <param name="subjectExpires">What the tokens may not outlive, unless the app's policy says so (the subject and actor tokens' expiry).</param>
    /// <param name="notAfter">What they may not outlive whatever the policy (a refresh family's delegation expiry).</param>
    public static ValueTask<IssuedTokens> IssueAsync(TokenMinter minter, IOpaqueTokenStore store, AuthorizedExchange exchange, UserRecord user, SessionKeyUtf8 sessionKey,
        DateTimeOffset? subjectExpires, string? act, (string Token, DateTimeOffset ExpiresAt)? refreshToken, DateTimeOffset? notAfter, CancellationToken cancellationToken)
    {
        var tokens = minter.Mint(exchange, user, subjectExpires, act, refreshToken, SubjectSessionKey.SessionId(sessionKey), notAfter);
        return OpaqueAccessTokens.ApplyPolicyAsync(tokens, exchange.App, user.Id, sessionKey, store, cancellationToken);
    }
}
