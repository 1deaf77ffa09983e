using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// The authenticated app has token exchange enabled (docs/architecture.md, "app"). Its refresh tokens stop working
/// with it: the refresh grant turns this refusal into invalid_grant (RFC 6749 section 5.2).
/// </summary>
public static class TokenExchangeEnabled
{
    public static OAuthError? Check(AppDefinition app) =>
        app.TokenExchangeEnabled ? null : Errors.UnauthorizedClient("token exchange is not enabled for this client");
}
