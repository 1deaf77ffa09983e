using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionTokenFormTests
{
    private static ExchangeRequest Issue() => Request() with { RequestedTokenType = "txn_token", Scopes = ["trade"], Audiences = ["trust.example"] };

    private static ExchangeRequest Replace() => Issue() with { SubjectTokenType = TokenTypes.TxnToken };

    private static OAuthError? Check(ExchangeRequest request, out TransactionTokenKind kind) =>
        TransactionTokenForm.Check(request, TokenTypes.Normalize(request.SubjectTokenType)!, TokenTypes.Normalize(request.ActorTokenType), out kind);

    [Fact]
    public void An_ordinary_exchange_is_no_transaction_token_request()
    {
        Assert.Null(Check(Request(), out var kind));
        Assert.Equal(TransactionTokenKind.None, kind);
    }

    [Fact]
    public void A_requested_txn_token_is_an_issuance_and_the_long_urn_counts_too()
    {
        Assert.Null(Check(Issue(), out var kind));
        Assert.Equal(TransactionTokenKind.Issue, kind);
        Assert.Null(Check(Issue() with { RequestedTokenType = TokenTypes.TxnToken }, out kind));
        Assert.Equal(TransactionTokenKind.Issue, kind);
    }

    [Fact]
    public void A_presented_txn_token_is_a_replacement()
    {
        Assert.Null(Check(Replace(), out var kind));
        Assert.Equal(TransactionTokenKind.Replace, kind);
    }

    [Theory]
    [InlineData("{}", null)]
    [InlineData(null, "{}")]
    public void The_transaction_parameters_belong_to_transaction_token_requests(string? details, string? context) =>
        AssertError(Check(Request() with { RequestDetails = details, RequestContext = context }, out _), OAuthErrorCodes.InvalidRequest,
            "request_details and request_context are only for transaction tokens (requested_token_type txn_token)");

    [Fact]
    public void A_txn_token_is_never_an_actor_token()
    {
        AssertError(Check(Request() with { ActorToken = "a.b.c", ActorTokenType = TokenTypes.TxnToken }, out _), OAuthErrorCodes.InvalidRequest, "a transaction token is never an actor_token");
        AssertError(Check(Issue() with { ActorToken = "a.b.c", ActorTokenType = TokenTypes.TxnToken }, out _), OAuthErrorCodes.InvalidRequest, "a transaction token is never an actor_token");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("access_token")]
    public void A_txn_token_is_replaced_only_by_a_txn_token(string? requested) =>
        AssertError(Check(Replace() with { RequestedTokenType = requested }, out _), OAuthErrorCodes.InvalidRequest,
            "a transaction token is replaced only by a transaction token: requested_token_type must be txn_token");

    [Fact]
    public void No_actor_token_with_transaction_tokens()
    {
        AssertError(Check(Issue() with { ActorToken = "a.b.c", ActorTokenType = TokenTypes.AccessToken }, out _), OAuthErrorCodes.InvalidRequest, "actor_token is not used with transaction tokens");
        Assert.Null(Check(Issue() with { ActorToken = "" }, out _));
    }

    [Fact]
    public void A_scope_is_required()
    {
        AssertError(Check(Issue() with { Scopes = [] }, out _), OAuthErrorCodes.InvalidRequest, "scope is required for a transaction token: the transaction's purpose");
        AssertError(Check(Replace() with { Scopes = [] }, out _), OAuthErrorCodes.InvalidRequest, "scope is required for a transaction token: the transaction's purpose");
    }

    [Fact]
    public void An_audience_is_required()
    {
        AssertError(Check(Issue() with { Audiences = [] }, out _), OAuthErrorCodes.InvalidRequest, "audience is required for a transaction token: the trust domain");
        AssertError(Check(Replace() with { Audiences = [] }, out _), OAuthErrorCodes.InvalidRequest, "audience is required for a transaction token: the trust domain");
    }

    [Fact]
    public void An_issuance_may_name_a_handler_and_give_context()
    {
        Assert.Null(Check(Issue() with { TokenHandler = "partner-idp", RequestDetails = "{}", RequestContext = "{}" }, out _));
    }

    [Fact]
    public void A_replacement_names_no_handler()
    {
        AssertError(Check(Replace() with { TokenHandler = "partner-idp" }, out _), OAuthErrorCodes.InvalidRequest,
            "token_handler is not used to replace a transaction token: the cluster verifies its own");
        Assert.Null(Check(Replace() with { TokenHandler = "" }, out _));
    }

    [Theory]
    [InlineData("{}", null)]
    [InlineData(null, "{}")]
    public void A_replacement_keeps_the_context_it_was_issued_with(string? details, string? context) =>
        AssertError(Check(Replace() with { RequestDetails = details, RequestContext = context }, out _), OAuthErrorCodes.InvalidRequest,
            "a replacement keeps the transaction's context: request_details and request_context are given only when it is issued");
}
