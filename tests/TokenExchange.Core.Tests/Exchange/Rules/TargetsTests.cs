using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TargetsTests
{
    private const string A = "https://a.example";
    private const string B = "https://b.example";

    private static readonly AppDefinition One = App() with { AllowedAudiences = [A] };
    private static readonly AppDefinition Two = App() with { AllowedAudiences = [A, B] };
    private static readonly AppDefinition None = App() with { AllowedAudiences = [] };

    [Fact]
    public void Allowed_audiences_and_resources_are_the_targets_each_once_in_order()
    {
        Assert.Null(Targets.Resolve(Two, [B], [A, B], out var targets));

        Assert.Equal([B, A], targets);
    }

    [Fact]
    public void Resources_alone_are_targets()
    {
        Assert.Null(Targets.Resolve(Two, [], [A], out var targets));

        Assert.Equal([A], targets);
    }

    [Fact]
    public void An_audience_the_app_is_not_allowed_is_refused_by_name()
    {
        AssertError(Targets.Resolve(Two, ["https://evil.example"], [], out _), OAuthErrorCodes.InvalidTarget, "target 'https://evil.example' is not allowed for this client");
    }

    [Fact]
    public void A_resource_the_app_is_not_allowed_is_refused_even_beside_an_allowed_audience()
    {
        AssertError(Targets.Resolve(Two, [A], ["https://evil.example"], out _), OAuthErrorCodes.InvalidTarget, "target 'https://evil.example' is not allowed for this client");
    }

    [Fact]
    public void None_asked_with_one_allowed_gets_that_one()
    {
        Assert.Null(Targets.Resolve(One, [], [], out var targets));

        Assert.Equal([A], targets);
    }

    [Fact]
    public void None_asked_with_none_allowed_gets_the_apps_own_client_id()
    {
        Assert.Null(Targets.Resolve(None, [], [], out var targets));

        Assert.Equal(["orders"], targets);
    }

    [Fact]
    public void An_app_with_none_allowed_cannot_name_one()
    {
        AssertError(Targets.Resolve(None, ["orders"], [], out _), OAuthErrorCodes.InvalidTarget, "target 'orders' is not allowed for this client");
    }

    [Fact]
    public void None_asked_with_several_allowed_is_refused()
    {
        AssertError(Targets.Resolve(Two, [], [], out _), OAuthErrorCodes.InvalidTarget, "this client may target several audiences: name one with audience or resource");
    }

    [Fact]
    public void A_refresh_keeps_the_issued_audiences_still_allowed_and_the_apps_own_client_id()
    {
        Assert.Null(Targets.Narrow(One, [B, "orders", A], out var targets));

        Assert.Equal(["orders", A], targets);
    }

    [Fact]
    public void A_refresh_whose_audiences_are_all_gone_is_refused()
    {
        AssertError(Targets.Narrow(One, [B], out _), OAuthErrorCodes.InvalidTarget, "the refresh token's audiences are no longer allowed for this client");
    }
}
