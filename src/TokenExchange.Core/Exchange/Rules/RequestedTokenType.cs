using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// What the client may ask to be issued (RFC 8693 section 2.1, <c>requested_token_type</c>): an access token
/// (the default), a JWT, an ID token, or a refresh token where the app's policy allows refresh tokens. An ID token
/// only with the <c>openid</c> scope (OpenID Connect Core section 3.1.2.1); a refresh token comes too when the app
/// allows them and the client asked for one or for <c>offline_access</c>. A transaction token where the app may be issued one.
/// </summary>
public static class RequestedTokenType
{
    public static OAuthError? Check(AppDefinition app, string? requested, out string tokenType)
    {
        // Null only for a type it refuses.
        tokenType = string.IsNullOrEmpty(requested) ? TokenTypes.AccessToken : TokenTypes.Normalize(requested)!;
        // A transaction token only where the app's policy allows it (TransactionTokenPermission, checked before).
        if (tokenType is TokenTypes.AccessToken or TokenTypes.Jwt or TokenTypes.IdToken or TokenTypes.TxnToken) return null;
        if (tokenType == TokenTypes.RefreshToken && app.RefreshTokens.Enabled) return null;
        return Errors.InvalidRequest("requested_token_type is not one this client may be issued");
    }

    /// <summary>Checked once the scopes are granted.</summary>
    public static OAuthError? CheckOpenId(string tokenType, string[] scopes) =>
        tokenType == TokenTypes.IdToken && Array.IndexOf(scopes, StandardScopes.OpenId) < 0
            ? Errors.InvalidRequest("an id_token is issued only when the openid scope is requested")
            : null;

    public static bool IssuesRefreshToken(AppDefinition app, string tokenType, string[] scopes) =>
        app.RefreshTokens.Enabled && (tokenType == TokenTypes.RefreshToken || Array.IndexOf(scopes, StandardScopes.OfflineAccess) >= 0);
}
