using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class GrantedScopesTests
{
    private const string NoLongerAllowed = "a requested scope is no longer allowed for this client";

    private static readonly AppDefinition Orders = App() with { AllowedScopes = ["api", "openid", "offline_access"] };

    [Fact]
    public void Allowed_scopes_are_granted_as_asked()
    {
        string[] requested = ["openid", "api"];

        Assert.Null(GrantedScopes.Grant(Orders, requested, out var granted));

        Assert.Same(requested, granted);
    }

    [Fact]
    public void No_scope_asked_grants_none()
    {
        Assert.Null(GrantedScopes.Grant(Orders, [], out var granted));

        Assert.Empty(granted);
    }

    [Fact]
    public void A_scope_asked_twice_is_granted_once()
    {
        Assert.Null(GrantedScopes.Grant(Orders, ["api", "openid", "api"], out var granted));

        Assert.Equal(["api", "openid"], granted);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("API")]
    public void A_scope_the_app_is_not_allowed_is_refused_by_name(string scope)
    {
        AssertError(GrantedScopes.Grant(Orders, ["api", scope], out _), OAuthErrorCodes.InvalidScope, $"scope '{scope}' is not allowed for this client");
    }

    [Fact]
    public void A_refresh_asking_for_nothing_keeps_the_issued_scopes_the_app_still_allows()
    {
        var narrowed = Orders with { AllowedScopes = ["api"] };

        Assert.Null(GrantedScopes.Narrow(narrowed, [], ["api", "openid"], out var granted));

        Assert.Equal(["api"], granted);
    }

    [Fact]
    public void A_refresh_may_ask_for_fewer_scopes_each_once()
    {
        Assert.Null(GrantedScopes.Narrow(Orders, ["openid", "openid"], ["api", "openid"], out var granted));

        Assert.Equal(["openid"], granted);
    }

    [Fact]
    public void A_refresh_may_ask_again_for_the_first_scope_it_was_issued()
    {
        Assert.Null(GrantedScopes.Narrow(Orders, ["api", "api"], ["api", "openid"], out var granted));

        Assert.Equal(["api"], granted);
    }

    [Fact]
    public void A_refresh_asking_beyond_the_issued_scopes_is_refused()
    {
        AssertError(GrantedScopes.Narrow(Orders, ["api", "offline_access"], ["api"], out _), OAuthErrorCodes.InvalidScope, NoLongerAllowed);
    }

    [Fact]
    public void A_refresh_asking_for_an_issued_scope_the_app_no_longer_allows_is_refused()
    {
        AssertError(GrantedScopes.Narrow(Orders with { AllowedScopes = ["api"] }, ["openid"], ["api", "openid"], out _), OAuthErrorCodes.InvalidScope, NoLongerAllowed);
    }
}
