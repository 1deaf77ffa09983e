using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Tests.Exchange.Rules;

/// <summary>Apps, handlers and requests the rules' tests build on: one valid of each, varied by <c>with</c>.</summary>
internal static class RuleFixtures
{
    public const string Secret = "orders-secret-0123456789abcdef";
    public const string OtherSecret = "other-secret-0123456789abcdefgh";

    public static AppDefinition App(string clientId = "orders") => new()
    {
        ClientId = clientId,
        SecretHashes = [ClientSecretHasher.Hash(Secret)],
        TokenExchangeEnabled = true,
        RequireSecret = true,
        AllowedScopes = ["api", "openid"],
        AllowedAudiences = ["https://" + clientId + ".example"],
    };

    public static HandlerAppEnablement Enable(string clientId, bool isDefault = false, bool allowUserCreation = false) =>
        new() { ClientId = clientId, Default = isDefault, AllowUserCreation = allowUserCreation };

    public static HandlerDefinition Handler(string name, params HandlerAppEnablement[] enablements) => new()
    {
        Name = name,
        AcceptedTokenTypes = [TokenTypes.AccessToken, TokenTypes.Jwt],
        Enablements = enablements,
    };

    public static ExchangeRequest Request() => new()
    {
        ClientId = "orders",
        ClientSecret = Secret,
        SubjectToken = "header.payload.signature",
        SubjectTokenType = TokenTypes.AccessToken,
    };

    public static AuthorizedExchange Authorized(AppDefinition? app = null) => new()
    {
        App = app ?? App(),
        Enablement = Enable("orders", isDefault: true, allowUserCreation: true),
        HandlerName = "partner-idp",
        SubjectToken = "subject.token.value",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = TokenTypes.AccessToken,
        Scopes = ["api"],
        Audiences = ["https://orders.example"],
    };

    public static void AssertError(OAuthError? error, string code, string description)
    {
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(description, error.Description);
    }
}
