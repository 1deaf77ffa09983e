using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionContextTests
{
    private static readonly ExchangeLimits Limits = new() { MaxTransactionContextLength = 64 };

    [Fact]
    public void None_given_is_none()
    {
        Assert.Null(TransactionContext.Check(Request(), Limits, out var details, out var context));
        Assert.Null(details);
        Assert.Null(context);
    }

    [Fact]
    public void Objects_come_back_compact()
    {
        Assert.Null(TransactionContext.Check(Request() with { RequestDetails = "{\n  \"action\": \"BUY\",\n  \"qty\": 100\n}", RequestContext = "{ \"req_ip\" : \"192.0.2.7\" }" }, Limits, out var details, out var context));
        Assert.Equal("{\"action\":\"BUY\",\"qty\":100}", details);
        Assert.Equal("{\"req_ip\":\"192.0.2.7\"}", context);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"a\":")]
    [InlineData("not json")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    public void Details_that_are_no_json_object_are_refused(string details) =>
        AssertError(TransactionContext.Check(Request() with { RequestDetails = details }, Limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_details must be a JSON object, nested at most 8 deep");

    [Fact]
    public void A_context_that_is_no_json_object_is_refused() =>
        AssertError(TransactionContext.Check(Request() with { RequestContext = "[]" }, Limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_context must be a JSON object, nested at most 8 deep");

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var limits = new ExchangeLimits();
        Assert.Null(TransactionContext.Check(Request() with { RequestDetails = Nested(TransactionContext.MaxDepth) }, limits, out _, out _));
        AssertError(TransactionContext.Check(Request() with { RequestDetails = Nested(TransactionContext.MaxDepth + 1) }, limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_details must be a JSON object, nested at most 8 deep");
    }

    [Fact]
    public void Longer_than_the_limit_is_refused_and_the_limit_itself_is_accepted()
    {
        var atLimit = "{\"a\":\"" + new string('x', 64 - 8) + "\"}";
        Assert.Equal(64, atLimit.Length);
        Assert.Null(TransactionContext.Check(Request() with { RequestDetails = atLimit, RequestContext = atLimit }, Limits, out _, out _));
        var over = "{\"a\":\"" + new string('x', 64 - 7) + "\"}";
        AssertError(TransactionContext.Check(Request() with { RequestDetails = over }, Limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_details is longer than 64 characters");
        AssertError(TransactionContext.Check(Request() with { RequestContext = over }, Limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_context is longer than 64 characters");
    }

    [Fact]
    public void Invalid_utf16_is_refused() =>
        AssertError(TransactionContext.Check(Request() with { RequestDetails = "{\"a\":\"\uD800\"}" }, Limits, out _, out _), OAuthErrorCodes.InvalidRequest, "request_details must be a JSON object, nested at most 8 deep");

    [Fact]
    public void A_bad_context_is_named_even_when_the_details_are_fine()
    {
        var error = TransactionContext.Check(Request() with { RequestDetails = "{}", RequestContext = "1" }, Limits, out var details, out _);
        AssertError(error, OAuthErrorCodes.InvalidRequest, "request_context must be a JSON object, nested at most 8 deep");
        Assert.Equal("{}", details);
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);
}
