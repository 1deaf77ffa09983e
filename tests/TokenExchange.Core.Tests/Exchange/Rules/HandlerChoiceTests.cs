using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class HandlerChoiceTests
{
    private static readonly DefinitionSnapshot Definitions = new(1,
        [App(), App("no-default")],
        [
            Handler("partner-idp", Enable("other"), Enable("orders", isDefault: true, allowUserCreation: true), Enable("no-default")),
            Handler("named-only", Enable("orders")),
            Handler("elsewhere", Enable("other")),
            Handler("switched-off", Enable("orders")) with { Enabled = false },
        ]);

    private static OAuthError? Choose(string clientId, string? tokenHandler, out HandlerDefinition handler, out HandlerAppEnablement enablement) =>
        HandlerChoice.Choose(Definitions, Definitions.Apps[clientId], tokenHandler, out handler, out enablement);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_handler_named_chooses_the_apps_default_with_its_enablement(string? tokenHandler)
    {
        Assert.Null(Choose("orders", tokenHandler, out var handler, out var enablement));

        Assert.Equal("partner-idp", handler.Name);
        Assert.Equal("orders", enablement.ClientId);
        Assert.True(enablement.AllowUserCreation);
    }

    [Fact]
    public void A_named_handler_is_chosen_over_the_default()
    {
        Assert.Null(Choose("orders", "named-only", out var handler, out var enablement));

        Assert.Equal("named-only", handler.Name);
        Assert.Equal("orders", enablement.ClientId);
        Assert.False(enablement.Default);
    }

    [Fact]
    public void No_handler_named_and_no_default_is_refused()
    {
        AssertError(Choose("no-default", null, out _, out _), OAuthErrorCodes.InvalidRequest, "no token_handler given and the client has no default handler");
    }

    [Fact]
    public void An_unknown_handler_is_refused()
    {
        AssertError(Choose("orders", "no-such-handler", out _, out _), OAuthErrorCodes.InvalidRequest, "unknown token_handler");
    }

    [Fact]
    public void A_handler_not_enabled_for_the_app_is_refused()
    {
        AssertError(Choose("orders", "elsewhere", out _, out _), OAuthErrorCodes.UnauthorizedClient, "the token handler is not enabled for this client");
    }

    [Fact]
    public void A_disabled_handler_is_refused_and_the_reason_names_it()
    {
        var error = Choose("orders", "switched-off", out _, out _);

        AssertError(error, OAuthErrorCodes.UnauthorizedClient, "the token handler is disabled");
        Assert.Equal("handler switched-off is disabled", error!.Reason);
    }

    [Fact]
    public void A_disabled_handler_not_enabled_for_the_app_says_it_is_not_enabled_for_it()
    {
        var definitions = new DefinitionSnapshot(1, [App()], [Handler("off", Enable("other")) with { Enabled = false }]);

        AssertError(HandlerChoice.Choose(definitions, App(), "off", out _, out _), OAuthErrorCodes.UnauthorizedClient, "the token handler is not enabled for this client");
    }

    [Fact]
    public void The_enablement_for_a_refresh_is_the_apps_own_on_an_enabled_handler()
    {
        var enablement = HandlerChoice.EnablementFor(Definitions.Handlers["partner-idp"], "orders");

        Assert.NotNull(enablement);
        Assert.Equal("orders", enablement.ClientId);
        Assert.True(enablement.Default);
    }

    [Fact]
    public void There_is_no_enablement_for_a_refresh_through_a_handler_gone_disabled_or_not_enabled_for_the_app()
    {
        Assert.Null(HandlerChoice.EnablementFor(null, "orders"));
        Assert.Null(HandlerChoice.EnablementFor(Definitions.Handlers["switched-off"], "orders"));
        Assert.Null(HandlerChoice.EnablementFor(Definitions.Handlers["elsewhere"], "orders"));
    }
}
