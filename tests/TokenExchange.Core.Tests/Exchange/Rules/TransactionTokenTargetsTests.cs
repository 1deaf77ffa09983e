using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionTokenTargetsTests
{
    private const string Domain = "trust.example";
    private const string Refusal = "a transaction token's audience is the trust domain 'trust.example', and only it";

    [Fact]
    public void The_trust_domain_alone_is_the_target()
    {
        Assert.Null(TransactionTokenTargets.Check(Request() with { Audiences = [Domain] }, Domain));
        Assert.Null(TransactionTokenTargets.Check(Request() with { Audiences = [Domain, Domain] }, Domain));
        Assert.Null(TransactionTokenTargets.Check(Request() with { Audiences = [Domain], Resources = [Domain] }, Domain));
    }

    [Fact]
    public void Another_audience_is_refused() =>
        AssertError(TransactionTokenTargets.Check(Request() with { Audiences = ["https://orders.example"] }, Domain), OAuthErrorCodes.InvalidTarget, Refusal);

    [Fact]
    public void Another_target_beside_the_trust_domain_is_refused()
    {
        AssertError(TransactionTokenTargets.Check(Request() with { Audiences = [Domain, "other.example"] }, Domain), OAuthErrorCodes.InvalidTarget, Refusal);
        AssertError(TransactionTokenTargets.Check(Request() with { Audiences = [Domain], Resources = ["https://api.example"] }, Domain), OAuthErrorCodes.InvalidTarget, Refusal);
    }

    [Fact]
    public void No_target_is_refused() =>
        AssertError(TransactionTokenTargets.Check(Request(), Domain), OAuthErrorCodes.InvalidTarget, Refusal);
}
