using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class KnownTokenTypesTests
{
    [Theory]
    [InlineData("jwt", TokenTypes.Jwt)]
    [InlineData("urn:ietf:params:oauth:token-type:JWT", TokenTypes.Jwt)]
    [InlineData(TokenTypes.AccessToken, TokenTypes.AccessToken)]
    public void A_known_subject_token_type_passes_in_its_canonical_form(string given, string canonical)
    {
        Assert.Null(KnownTokenTypes.Check(Request() with { SubjectTokenType = given }, out var subjectType, out var actorType));

        Assert.Equal(canonical, subjectType);
        Assert.Null(actorType);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("urn:ietf:params:oauth:token-type:unknown")]
    public void An_unknown_subject_token_type_is_refused(string type)
    {
        AssertError(KnownTokenTypes.Check(Request() with { SubjectTokenType = type }, out _, out _),
            OAuthErrorCodes.InvalidRequest, "subject_token_type is not a supported token type");
    }

    [Fact]
    public void An_actor_token_with_a_known_type_passes_in_its_canonical_form()
    {
        Assert.Null(KnownTokenTypes.Check(Request() with { ActorToken = "actor", ActorTokenType = "access_token" }, out _, out var actorType));

        Assert.Equal(TokenTypes.AccessToken, actorType);
    }

    [Theory]
    [InlineData("actor", null)]
    [InlineData("actor", "")]
    [InlineData(null, "jwt")]
    [InlineData("", "jwt")]
    public void An_actor_token_and_its_type_come_together(string? token, string? type)
    {
        AssertError(KnownTokenTypes.Check(Request() with { ActorToken = token, ActorTokenType = type }, out _, out _),
            OAuthErrorCodes.InvalidRequest, "actor_token and actor_token_type go together");
    }

    [Fact]
    public void An_actor_token_of_an_unknown_type_is_refused()
    {
        AssertError(KnownTokenTypes.Check(Request() with { ActorToken = "actor", ActorTokenType = "bearer" }, out _, out _),
            OAuthErrorCodes.InvalidRequest, "actor_token_type is not a supported token type");
    }

    [Fact]
    public void An_unknown_subject_token_type_is_named_before_the_actor_pair()
    {
        AssertError(KnownTokenTypes.Check(Request() with { SubjectTokenType = "bearer", ActorToken = "actor" }, out _, out _),
            OAuthErrorCodes.InvalidRequest, "subject_token_type is not a supported token type");
    }
}
