using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class AcceptedTokenTypesTests
{
    private static readonly TokenExchange.Definitions.HandlerDefinition JwtOnly = Handler("jwt-only") with { AcceptedTokenTypes = [TokenTypes.Jwt, TokenTypes.IdToken] };

    [Fact]
    public void Accepted_subject_and_actor_types_pass()
    {
        Assert.Null(AcceptedTokenTypes.Check(JwtOnly, TokenTypes.Jwt, null));
        Assert.Null(AcceptedTokenTypes.Check(JwtOnly, TokenTypes.Jwt, TokenTypes.IdToken));
        Assert.Null(AcceptedTokenTypes.Check(JwtOnly, TokenTypes.IdToken, TokenTypes.Jwt));
    }

    [Fact]
    public void A_subject_token_type_the_handler_does_not_accept_is_refused()
    {
        AssertError(AcceptedTokenTypes.Check(JwtOnly, TokenTypes.AccessToken, null), OAuthErrorCodes.InvalidRequest, "the token handler does not accept this subject_token_type");
    }

    [Fact]
    public void An_actor_token_type_the_handler_does_not_accept_is_refused()
    {
        AssertError(AcceptedTokenTypes.Check(JwtOnly, TokenTypes.Jwt, TokenTypes.Saml2), OAuthErrorCodes.InvalidRequest, "the token handler does not accept this actor_token_type");
    }
}
