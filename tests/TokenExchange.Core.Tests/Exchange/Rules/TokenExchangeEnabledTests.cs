using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TokenExchangeEnabledTests
{
    [Fact]
    public void An_app_with_token_exchange_enabled_passes()
    {
        Assert.Null(TokenExchangeEnabled.Check(App()));
    }

    [Fact]
    public void An_app_with_token_exchange_disabled_is_unauthorized()
    {
        AssertError(TokenExchangeEnabled.Check(App() with { TokenExchangeEnabled = false }),
            OAuthErrorCodes.UnauthorizedClient, "token exchange is not enabled for this client");
    }
}
