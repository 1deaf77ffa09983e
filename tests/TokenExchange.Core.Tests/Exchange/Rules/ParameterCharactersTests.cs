using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class ParameterCharactersTests
{
    private const string Unclean = "bad\r\nvalue";

    [Fact]
    public void Printable_parameters_pass()
    {
        Assert.Null(ParameterCharacters.Check(Request() with
        {
            ActorToken = "actor", ActorTokenType = "jwt", RequestedTokenType = "jwt", TokenHandler = "idp", Scopes = ["api"], Audiences = ["a"], Resources = ["r"],
        }));
    }

    [Fact]
    public void Absent_parameters_pass()
    {
        Assert.Null(ParameterCharacters.Check(new ExchangeRequest()));
    }

    public static TheoryData<string> Parameters() =>
    [
        "client_id", "client_secret", "subject_token_type", "actor_token_type", "requested_token_type", "token_handler",
        "subject_token", "actor_token", "scope", "audience", "resource",
    ];

    private static ExchangeRequest With(string name, string value) => name switch
    {
        "client_id" => Request() with { ClientId = value },
        "client_secret" => Request() with { ClientSecret = value },
        "subject_token_type" => Request() with { SubjectTokenType = value },
        "actor_token_type" => Request() with { ActorTokenType = value },
        "requested_token_type" => Request() with { RequestedTokenType = value },
        "token_handler" => Request() with { TokenHandler = value },
        "subject_token" => Request() with { SubjectToken = value },
        "actor_token" => Request() with { ActorToken = value },
        "scope" => Request() with { Scopes = ["api", value] },
        "audience" => Request() with { Audiences = ["a", value] },
        "resource" => Request() with { Resources = ["r", value] },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void A_control_character_in_any_parameter_is_refused_by_name_without_echoing_it(string name)
    {
        var error = ParameterCharacters.Check(With(name, Unclean));

        AssertError(error, OAuthErrorCodes.InvalidRequest, ParameterText.Refusal(name));
        Assert.DoesNotContain("bad", error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_unclean_parameter_is_named()
    {
        var error = ParameterCharacters.Check(Request() with { ClientSecret = Unclean, SubjectToken = Unclean, Scopes = [Unclean] });

        AssertError(error, OAuthErrorCodes.InvalidRequest, ParameterText.Refusal("client_secret"));
    }
}
