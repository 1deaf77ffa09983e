namespace TokenExchange.Exchange;

/// <summary>Shorthands for the OAuth errors the exchange produces. Descriptions are client-safe.</summary>
public static class Errors
{
    public static OAuthError InvalidRequest(string description, string? reason = null) => new(OAuthErrorCodes.InvalidRequest, description, reason);
    public static OAuthError InvalidClient(string description, string? reason = null) => new(OAuthErrorCodes.InvalidClient, description, reason);
    public static OAuthError InvalidGrant(string description, string? reason = null) => new(OAuthErrorCodes.InvalidGrant, description, reason);
    public static OAuthError UnauthorizedClient(string description, string? reason = null) => new(OAuthErrorCodes.UnauthorizedClient, description, reason);
    public static OAuthError UnsupportedGrantType(string description) => new(OAuthErrorCodes.UnsupportedGrantType, description);
    public static OAuthError InvalidScope(string description) => new(OAuthErrorCodes.InvalidScope, description);
    public static OAuthError InvalidTarget(string description) => new(OAuthErrorCodes.InvalidTarget, description);
    public static OAuthError ServerError(string reason) => new(OAuthErrorCodes.ServerError, "the server could not complete the exchange", reason);
    public static OAuthError InvalidDpopProof(string description, string? reason = null) => new(OAuthErrorCodes.InvalidDpopProof, description, reason);
    public static OAuthError UseDpopNonce(string description, string? reason = null) => new(OAuthErrorCodes.UseDpopNonce, description, reason);
    public static OAuthError TemporarilyUnavailable(string description, string? reason = null) => new(OAuthErrorCodes.TemporarilyUnavailable, description, reason);
}
