using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class RequestedTokenTypeTests
{
    private const string NotIssued = "requested_token_type is not one this client may be issued";

    private static readonly AppDefinition NoRefresh = App();
    private static readonly AppDefinition WithRefresh = App() with { RefreshTokens = new RefreshTokenPolicy { Enabled = true } };

    [Theory]
    [InlineData(null, TokenTypes.AccessToken)]
    [InlineData("", TokenTypes.AccessToken)]
    [InlineData("access_token", TokenTypes.AccessToken)]
    [InlineData("urn:ietf:params:oauth:token-type:JWT", TokenTypes.Jwt)]
    [InlineData(TokenTypes.IdToken, TokenTypes.IdToken)]
    public void Access_tokens_JWTs_and_ID_tokens_may_be_asked_for(string? requested, string expected)
    {
        Assert.Null(RequestedTokenType.Check(NoRefresh, requested, out var type));

        Assert.Equal(expected, type);
    }

    [Fact]
    public void A_refresh_token_may_be_asked_for_only_where_the_app_allows_them()
    {
        AssertError(RequestedTokenType.Check(NoRefresh, TokenTypes.RefreshToken, out _), OAuthErrorCodes.InvalidRequest, NotIssued);
        Assert.Null(RequestedTokenType.Check(WithRefresh, TokenTypes.RefreshToken, out var type));
        Assert.Equal(TokenTypes.RefreshToken, type);
    }

    [Theory]
    [InlineData(TokenTypes.Saml2)]
    [InlineData(TokenTypes.Saml1)]
    [InlineData("urn:example:whatever")]
    public void Other_types_are_refused_even_where_refresh_tokens_are_allowed(string requested)
    {
        AssertError(RequestedTokenType.Check(WithRefresh, requested, out _), OAuthErrorCodes.InvalidRequest, NotIssued);
    }

    [Fact]
    public void An_ID_token_needs_the_openid_scope()
    {
        AssertError(RequestedTokenType.CheckOpenId(TokenTypes.IdToken, ["api"]), OAuthErrorCodes.InvalidRequest, "an id_token is issued only when the openid scope is requested");
        Assert.Null(RequestedTokenType.CheckOpenId(TokenTypes.IdToken, ["api", "openid"]));
        Assert.Null(RequestedTokenType.CheckOpenId(TokenTypes.IdToken, ["openid"]));
        Assert.Null(RequestedTokenType.CheckOpenId(TokenTypes.AccessToken, ["api"]));
    }

    [Fact]
    public void A_refresh_token_is_issued_when_allowed_and_asked_for_by_type_or_offline_access()
    {
        Assert.True(RequestedTokenType.IssuesRefreshToken(WithRefresh, TokenTypes.RefreshToken, []));
        Assert.True(RequestedTokenType.IssuesRefreshToken(WithRefresh, TokenTypes.AccessToken, ["api", "offline_access"]));
        Assert.True(RequestedTokenType.IssuesRefreshToken(WithRefresh, TokenTypes.AccessToken, ["offline_access"]));
        Assert.False(RequestedTokenType.IssuesRefreshToken(WithRefresh, TokenTypes.AccessToken, ["api"]));
    }

    [Fact]
    public void No_refresh_token_is_issued_where_the_app_does_not_allow_them()
    {
        Assert.False(RequestedTokenType.IssuesRefreshToken(NoRefresh, TokenTypes.RefreshToken, ["offline_access"]));
    }
}
