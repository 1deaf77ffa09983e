namespace TokenExchange.Exchange;

public static class StandardScopes
{
    public const string OpenId = "openid";

    /// <summary>Asks for a refresh token (OpenID Connect Core section 11).</summary>
    public const string OfflineAccess = "offline_access";
}
