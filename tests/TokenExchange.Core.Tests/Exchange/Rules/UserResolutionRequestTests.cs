using TokenExchange.Definitions;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class UserResolutionRequestTests
{
    private const string Act = """{"sub":"service","iss":"https://idp.example"}""";

    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TokenExchange.Sessions.ValidatedSubject Alice = FakeHandlerImplementation.Subject("alice", Noon);

    private static readonly AppDefinition WithRefresh = App() with
    {
        RefreshTokens = new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(2), AbsoluteLifetime = TimeSpan.FromDays(3) },
    };

    [Fact]
    public void The_session_is_asked_for_the_subjects_user_under_the_handler_and_the_app()
    {
        var exchange = Authorized(WithRefresh);

        var request = UserResolutionRequest.For(exchange, Alice, act: null, Noon);

        Assert.Equal("partner-idp", request.HandlerName);
        Assert.Equal("orders", request.ClientId);
        Assert.Same(Alice, request.Subject);
        Assert.Equal(TimeSpan.FromHours(2), request.RefreshLifetime);
        Assert.Equal(TimeSpan.FromDays(3), request.RefreshAbsoluteLifetime);
        Assert.Null(request.Refresh);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Users_are_created_only_where_the_enablement_allows_it(bool allowed)
    {
        var exchange = Authorized() with { Enablement = Enable("orders", allowUserCreation: allowed) };

        Assert.Equal(allowed, UserResolutionRequest.For(exchange, Alice, null, Noon).AllowUserCreation);
    }

    [Fact]
    public void A_refresh_family_starts_with_the_exchanges_client_handler_scopes_and_audiences()
    {
        var exchange = Authorized(WithRefresh) with { IssueRefreshToken = true, Scopes = ["api", "offline_access"] };

        var grant = UserResolutionRequest.For(exchange, Alice, act: null, Noon).Refresh;

        Assert.NotNull(grant);
        Assert.Equal("orders", grant.ClientId);
        Assert.Equal("partner-idp", grant.HandlerName);
        Assert.Equal(["api", "offline_access"], grant.Scopes);
        Assert.Equal(["https://orders.example"], grant.Audiences);
        Assert.Null(grant.Act);
        Assert.Null(grant.NotAfter);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("key-thumbprint")]
    public void A_refresh_family_is_bound_to_the_key_the_exchange_binds_refresh_tokens_to(string? key)
    {
        var exchange = Authorized(WithRefresh) with { IssueRefreshToken = true, DpopThumbprint = "access-token-key", RefreshDpopThumbprint = key };

        Assert.Equal(key, UserResolutionRequest.For(exchange, Alice, act: null, Noon).Refresh!.DpopThumbprint);
    }

    [Fact]
    public void A_delegated_family_keeps_its_act_chain_and_ends_with_the_earlier_token()
    {
        var exchange = Authorized(WithRefresh) with { IssueRefreshToken = true };

        var grant = UserResolutionRequest.For(exchange, Alice, Act, Noon).Refresh!;

        Assert.Equal(Act, grant.Act);
        Assert.Equal(Noon, grant.NotAfter);
    }

    [Fact]
    public void A_delegated_family_of_an_app_whose_tokens_may_outlive_the_subject_token_has_no_end_of_its_own()
    {
        var app = WithRefresh with { AccessToken = new AccessTokenPolicy { MayOutliveSubjectToken = true } };

        var grant = UserResolutionRequest.For(Authorized(app) with { IssueRefreshToken = true }, Alice, Act, Noon).Refresh!;

        Assert.Equal(Act, grant.Act);
        Assert.Null(grant.NotAfter);
    }
}
