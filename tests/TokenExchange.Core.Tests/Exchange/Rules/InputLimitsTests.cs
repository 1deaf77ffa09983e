using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class InputLimitsTests
{
    private const int MaxToken = 100;
    private const int MaxParameter = 50;
    private const int MaxValues = 3;

    private static readonly ExchangeLimits Limits = new() { MaxTokenLength = MaxToken, MaxParameterLength = MaxParameter, MaxRepeatedValues = MaxValues };

    private static OAuthError? Check(ExchangeRequest request) => InputLimits.Check(request, Limits);

    private static string Text(int length) => new('x', length);

    [Fact]
    public void A_small_request_passes()
    {
        Assert.Null(Check(Request() with { ActorToken = "actor", ActorTokenType = "jwt", Scopes = ["api"], Audiences = ["a"], Resources = ["r"] }));
    }

    [Fact]
    public void A_subject_token_at_the_limit_passes_and_one_longer_is_refused()
    {
        Assert.Null(Check(Request() with { SubjectToken = Text(MaxToken) }));
        AssertError(Check(Request() with { SubjectToken = Text(MaxToken + 1) }), OAuthErrorCodes.InvalidRequest, "subject_token is longer than 100 characters");
    }

    [Fact]
    public void An_actor_token_at_the_limit_passes_and_one_longer_is_refused()
    {
        Assert.Null(Check(Request() with { ActorToken = Text(MaxToken) }));
        AssertError(Check(Request() with { ActorToken = Text(MaxToken + 1) }), OAuthErrorCodes.InvalidRequest, "actor_token is longer than 100 characters");
    }

    [Fact]
    public void Tokens_may_be_longer_than_other_parameters()
    {
        Assert.Null(Check(Request() with { SubjectToken = Text(MaxParameter + 1), ActorToken = Text(MaxParameter + 1) }));
    }

    public static TheoryData<string> SingleValued() =>
        ["client_id", "client_secret", "subject_token_type", "actor_token_type", "requested_token_type", "token_handler"];

    private static ExchangeRequest WithSingle(string name, string value) => name switch
    {
        "client_id" => Request() with { ClientId = value },
        "client_secret" => Request() with { ClientSecret = value },
        "subject_token_type" => Request() with { SubjectTokenType = value },
        "actor_token_type" => Request() with { ActorTokenType = value },
        "requested_token_type" => Request() with { RequestedTokenType = value },
        "token_handler" => Request() with { TokenHandler = value },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(SingleValued))]
    public void Each_parameter_at_the_limit_passes_and_one_longer_is_refused_by_name(string name)
    {
        Assert.Null(Check(WithSingle(name, Text(MaxParameter))));
        AssertError(Check(WithSingle(name, Text(MaxParameter + 1))), OAuthErrorCodes.InvalidRequest, $"{name} is longer than 50 characters");
    }

    [Fact]
    public void Absent_optional_parameters_pass()
    {
        Assert.Null(Check(new ExchangeRequest { ClientId = "orders", SubjectToken = "t", SubjectTokenType = "jwt" }));
    }

    public static TheoryData<string> Repeatable() => ["scope", "audience", "resource"];

    private static ExchangeRequest WithRepeated(string name, string[] values) => name switch
    {
        "scope" => Request() with { Scopes = values },
        "audience" => Request() with { Audiences = values },
        "resource" => Request() with { Resources = values },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Repeatable))]
    public void As_many_values_as_allowed_pass_and_one_more_is_refused_by_name(string name)
    {
        Assert.Null(Check(WithRepeated(name, ["a", "b", "c"])));
        AssertError(Check(WithRepeated(name, ["a", "b", "c", "d"])), OAuthErrorCodes.InvalidRequest, $"{name} has more than 3 values");
    }

    [Theory]
    [MemberData(nameof(Repeatable))]
    public void A_value_at_the_limit_passes_and_one_longer_or_empty_is_refused_by_name(string name)
    {
        Assert.Null(Check(WithRepeated(name, ["a", Text(MaxParameter)])));
        AssertError(Check(WithRepeated(name, ["a", Text(MaxParameter + 1)])), OAuthErrorCodes.InvalidRequest, $"{name} has an empty or overlong value");
        AssertError(Check(WithRepeated(name, ["a", ""])), OAuthErrorCodes.InvalidRequest, $"{name} has an empty or overlong value");
        AssertError(Check(WithRepeated(name, ["a", null!])), OAuthErrorCodes.InvalidRequest, $"{name} has an empty or overlong value");
    }

    /// <summary>Every parameter in the order they are checked, with a value over its limit.</summary>
    private static readonly (string Name, Func<ExchangeRequest, ExchangeRequest> Oversize)[] InOrder =
    [
        ("client_id", r => r with { ClientId = Text(MaxParameter + 1) }),
        ("client_secret", r => r with { ClientSecret = Text(MaxParameter + 1) }),
        ("subject_token_type", r => r with { SubjectTokenType = Text(MaxParameter + 1) }),
        ("actor_token_type", r => r with { ActorTokenType = Text(MaxParameter + 1) }),
        ("requested_token_type", r => r with { RequestedTokenType = Text(MaxParameter + 1) }),
        ("token_handler", r => r with { TokenHandler = Text(MaxParameter + 1) }),
        ("scope", r => r with { Scopes = [Text(MaxParameter + 1)] }),
        ("audience", r => r with { Audiences = [Text(MaxParameter + 1)] }),
        ("resource", r => r with { Resources = [Text(MaxParameter + 1)] }),
    ];

    public static TheoryData<int> Positions() => [.. Enumerable.Range(0, InOrder.Length)];

    [Theory]
    [MemberData(nameof(Positions))]
    public void With_every_parameter_from_one_on_oversized_that_one_is_named(int position)
    {
        var request = InOrder.Skip(position).Aggregate(Request(), (r, p) => p.Oversize(r));

        var error = Check(request);

        Assert.NotNull(error);
        Assert.StartsWith(InOrder[position].Name + " ", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_parameter_over_its_limit_is_named()
    {
        var request = Request() with { SubjectToken = Text(MaxToken + 1), ClientSecret = Text(MaxParameter + 1), Scopes = ["", ""] };

        AssertError(Check(request), OAuthErrorCodes.InvalidRequest, "subject_token is longer than 100 characters");
        AssertError(Check(request with { SubjectToken = "t" }), OAuthErrorCodes.InvalidRequest, "client_secret is longer than 50 characters");
    }
}
