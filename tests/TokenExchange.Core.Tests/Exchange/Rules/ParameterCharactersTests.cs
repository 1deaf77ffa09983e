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
            ActorToken = "actor",
            ActorTokenType = "jwt",
            RequestedTokenType = "jwt",
            TokenHandler = "idp",
            Scopes = ["api"],
            Audiences = ["a"],
            Resources = ["r"],
        }));
    }

    [Fact]
    public void Absent_parameters_pass()
    {
        Assert.Null(ParameterCharacters.Check(new ExchangeRequest()));
    }

    /// <summary>Every parameter, in the order they are checked.</summary>
    private static readonly string[] Names =
    [
        "client_id", "client_secret", "subject_token_type", "actor_token_type", "requested_token_type", "token_handler",
        "subject_token", "actor_token", "scope", "audience", "resource",
    ];

    public static TheoryData<string> Parameters() => [.. Names];

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

    [Theory]
    [MemberData(nameof(Positions))]
    public void With_every_parameter_from_one_on_unclean_that_one_is_named(int position)
    {
        var request = Names.Skip(position).Aggregate(Request(), Spoil);

        AssertError(ParameterCharacters.Check(request), OAuthErrorCodes.InvalidRequest, ParameterText.Refusal(Names[position]));
    }

    public static TheoryData<int> Positions() => [.. Enumerable.Range(0, Names.Length)];

    private static ExchangeRequest Spoil(ExchangeRequest request, string name) => name switch
    {
        "client_id" => request with { ClientId = Unclean },
        "client_secret" => request with { ClientSecret = Unclean },
        "subject_token_type" => request with { SubjectTokenType = Unclean },
        "actor_token_type" => request with { ActorTokenType = Unclean },
        "requested_token_type" => request with { RequestedTokenType = Unclean },
        "token_handler" => request with { TokenHandler = Unclean },
        "subject_token" => request with { SubjectToken = Unclean },
        "actor_token" => request with { ActorToken = Unclean },
        "scope" => request with { Scopes = [Unclean] },
        "audience" => request with { Audiences = [Unclean] },
        "resource" => request with { Resources = [Unclean] },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void The_first_unclean_parameter_is_named()
    {
        var error = ParameterCharacters.Check(Request() with { ClientSecret = Unclean, SubjectToken = Unclean, Scopes = [Unclean] });

        AssertError(error, OAuthErrorCodes.InvalidRequest, ParameterText.Refusal("client_secret"));
    }
}
