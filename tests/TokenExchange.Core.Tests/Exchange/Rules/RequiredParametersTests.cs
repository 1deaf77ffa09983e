using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class RequiredParametersTests
{
    [Fact]
    public void A_request_with_client_subject_token_and_type_passes()
    {
        Assert.Null(RequiredParameters.Check(Request()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_client_id_is_refused(string? clientId)
    {
        AssertError(RequiredParameters.Check(Request() with { ClientId = clientId }), OAuthErrorCodes.InvalidRequest, "client_id is required");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_subject_token_is_refused(string? token)
    {
        AssertError(RequiredParameters.Check(Request() with { SubjectToken = token }), OAuthErrorCodes.InvalidRequest, "subject_token is required");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_subject_token_type_is_refused(string? type)
    {
        AssertError(RequiredParameters.Check(Request() with { SubjectTokenType = type }), OAuthErrorCodes.InvalidRequest, "subject_token_type is required");
    }

    [Fact]
    public void The_first_missing_parameter_is_named()
    {
        AssertError(RequiredParameters.Check(new ExchangeRequest()), OAuthErrorCodes.InvalidRequest, "client_id is required");
        AssertError(RequiredParameters.Check(new ExchangeRequest { ClientId = "orders" }), OAuthErrorCodes.InvalidRequest, "subject_token is required");
    }
}
