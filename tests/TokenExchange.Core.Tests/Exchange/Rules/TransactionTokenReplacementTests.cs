using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Tokens;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionTokenReplacementTests
{
    private static PresentedTransactionToken Presented(int chain = 1) => new()
    {
        TransactionId = "t-1",
        Subject = "u-alice",
        Scopes = ["trade", "read"],
        CallChain = [.. Enumerable.Range(0, chain).Select(i => $"workload-{i}")],
        ExpiresAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void The_same_or_a_narrower_scope_passes()
    {
        Assert.Null(TransactionTokenReplacement.Check(["trade", "read"], Presented()));
        Assert.Null(TransactionTokenReplacement.Check(["read"], Presented()));
    }

    [Fact]
    public void A_wider_scope_is_refused() =>
        AssertError(TransactionTokenReplacement.Check(["read", "admin"], Presented()), OAuthErrorCodes.InvalidScope,
            "scope 'admin' is wider than the transaction token's: a replacement may only narrow it");

    [Fact]
    public void The_call_chain_grows_to_its_bound_and_no_further()
    {
        Assert.Null(TransactionTokenReplacement.Check(["read"], Presented(TransactionTokenReplacement.MaxCallChain - 1)));
        AssertError(TransactionTokenReplacement.Check(["read"], Presented(TransactionTokenReplacement.MaxCallChain)), OAuthErrorCodes.InvalidRequest,
            "the transaction token was replaced too often: at most 16 workloads request tokens of one transaction");
    }
}
