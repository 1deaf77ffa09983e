using System.Text;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class DisguisedTransactionTokensTests
{
    private static string Jws(string headerJson) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(headerJson)) + ".eyJzdWIiOiJ4In0.c2ln";

    private static readonly string TxnToken = Jws("""{"alg":"ES256","typ":"txntoken+jwt"}""");

    [Theory]
    [InlineData("""{"alg":"ES256","typ":"txntoken+jwt"}""")]
    [InlineData("""{"typ":"TxnToken+JWT","alg":"ES256"}""")]
    [InlineData("""{"alg":"ES256","typ":"application/txntoken+jwt"}""")]
    [InlineData("""{"kid":{"nested":["x"]},"typ":"txntoken\u002bjwt"}""")]
    [InlineData("""{"x":{"a":{"b":{"c":{"d":[1]}}}},"typ":"txntoken+jwt"}""")]
    public void A_header_typed_txntoken_jwt_is_a_transaction_token(string header) =>
        Assert.True(DisguisedTransactionTokens.IsTransactionToken(Jws(header)));

    [Theory]
    [InlineData("""{"alg":"ES256","typ":"at+jwt"}""")]
    [InlineData("""{"alg":"ES256","typ":"JWT"}""")]
    [InlineData("""{"alg":"ES256"}""")]
    [InlineData("""{"alg":"ES256","typ":["txntoken+jwt"]}""")]
    [InlineData("""{"alg":"ES256","cty":"txntoken+jwt"}""")]
    [InlineData("""{"alg":"ES256","x":{"typ":"txntoken+jwt"}}""")]
    [InlineData("""["txntoken+jwt"]""")]
    [InlineData("""{"typ":""")]
    [InlineData("not json")]
    [InlineData("""{"typ":"application/at+jwt"}""")]
    public void Anything_else_is_not(string header) =>
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(Jws(header)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("opaque-token-without-dots")]
    [InlineData(".payload.signature")]
    [InlineData("!!!.payload.signature")]
    public void A_token_that_is_no_jws_is_not(string? token) => Assert.False(DisguisedTransactionTokens.IsTransactionToken(token));

    /// <summary>An absent gRPC actor_token is "" on every exchange; answering it must not cost an exception (issue 15).</summary>
    [Theory]
    [InlineData("")]
    [InlineData("opaque-token-without-dots")]
    [InlineData(".payload.signature")]
    public void A_token_with_nothing_before_a_dot_is_answered_without_an_exception(string token)
    {
        var thread = Environment.CurrentManagedThreadId;
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread) thrown++;
        }
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            Assert.False(DisguisedTransactionTokens.IsTransactionToken(token));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }
        Assert.Equal(0, thrown);
    }

    /// <summary>Each character as a <c>\\uXXXX</c> escape: the longest JSON text either name can have.</summary>
    private static string Escaped(string text) => string.Concat(text.Select(c => $"\\u{(int)c:x4}"));

    [Theory]
    [InlineData("txntoken+jwt")]
    [InlineData("application/txntoken+jwt")]
    public void A_typ_written_entirely_in_escapes_is_still_read(string name) =>
        Assert.True(DisguisedTransactionTokens.IsTransactionToken(Jws($$"""{"typ":"{{Escaped(name)}}"}""")));

    [Fact]
    public void A_typ_too_long_to_be_either_name_is_not()
    {
        var longer = "application/txntoken+jwt" + new string(' ', 200);
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(Jws($$"""{"typ":"{{longer}}"}""")));
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(Jws($$"""{"typ":"{{Escaped("application/txntoken+jwt")}}{{Escaped("        ")}}"}""")));
    }

    [Fact]
    public void A_typ_that_is_not_utf8_is_not_and_throws_nothing()
    {
        var header = Encoding.UTF8.GetBytes("""{"alg":"ES256","typ":"txntoken+jwt"}""");
        header[header.Length - 4] = 0xFF; // inside the typ string: no UTF-8 sequence starts with 0xFF
        var token = Base64UrlEncoder.Encode(header) + ".eyJzdWIiOiJ4In0.c2ln";
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(token));
    }

    [Fact]
    public void A_header_longer_than_any_real_one_is_not_read()
    {
        var padded = """{"typ":"txntoken+jwt","pad":"X"}""".Replace("X", new string('a', 3100), StringComparison.Ordinal);
        Assert.True(Base64UrlEncoder.Encode(padded).Length > 4096);
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(Jws(padded)));
        var fits = """{"typ":"txntoken+jwt","pad":"X"}""".Replace("X", new string('a', 3000), StringComparison.Ordinal);
        Assert.True(DisguisedTransactionTokens.IsTransactionToken(Jws(fits)));
    }

    [Fact]
    public void A_header_of_exactly_the_longest_length_is_read_and_one_byte_more_is_not()
    {
        const string template = """{"typ":"txntoken+jwt","pad":"X"}""";
        string Header(int bytes) => template.Replace("X", new string('a', bytes - (template.Length - 1)), StringComparison.Ordinal);
        Assert.Equal(4096, Base64UrlEncoder.Encode(Header(3072)).Length);

        Assert.True(DisguisedTransactionTokens.IsTransactionToken(Jws(Header(3072))));
        Assert.False(DisguisedTransactionTokens.IsTransactionToken(Jws(Header(3073))));
    }

    [Fact]
    public void A_txn_token_declared_as_another_type_is_refused() =>
        AssertError(DisguisedTransactionTokens.Check(Request() with { SubjectToken = TxnToken }, TokenTypes.AccessToken), OAuthErrorCodes.InvalidRequest,
            "subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced");

    [Fact]
    public void A_txn_token_declared_as_one_passes_to_its_replacement() =>
        Assert.Null(DisguisedTransactionTokens.Check(Request() with { SubjectToken = TxnToken }, TokenTypes.TxnToken));

    [Fact]
    public void A_txn_token_as_actor_token_is_refused_whatever_its_declared_type()
    {
        AssertError(DisguisedTransactionTokens.Check(Request() with { ActorToken = TxnToken, ActorTokenType = TokenTypes.AccessToken }, TokenTypes.AccessToken), OAuthErrorCodes.InvalidRequest,
            "a transaction token is never an actor_token");
        AssertError(DisguisedTransactionTokens.Check(Request() with { SubjectToken = TxnToken, ActorToken = TxnToken }, TokenTypes.TxnToken), OAuthErrorCodes.InvalidRequest,
            "a transaction token is never an actor_token");
    }

    [Fact]
    public void Ordinary_tokens_pass() =>
        Assert.Null(DisguisedTransactionTokens.Check(Request() with { SubjectToken = Jws("""{"alg":"ES256","typ":"at+jwt"}"""), ActorToken = Jws("""{"alg":"ES256"}""") }, TokenTypes.AccessToken));
}
