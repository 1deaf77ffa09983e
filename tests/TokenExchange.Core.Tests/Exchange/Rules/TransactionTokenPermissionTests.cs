using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionTokenPermissionTests
{
    private static AppDefinition With(bool issue, bool replace) => App() with { TransactionTokens = new TransactionTokenPolicy { Issue = issue, Replace = replace } };

    [Fact]
    public void An_ordinary_exchange_needs_no_permission() => Assert.Null(TransactionTokenPermission.Check(App(), TransactionTokenKind.None));

    [Fact]
    public void Issuing_needs_the_issue_permission()
    {
        AssertError(TransactionTokenPermission.Check(With(issue: false, replace: true), TransactionTokenKind.Issue), OAuthErrorCodes.UnauthorizedClient, "this client may not be issued transaction tokens");
        Assert.Null(TransactionTokenPermission.Check(With(issue: true, replace: false), TransactionTokenKind.Issue));
    }

    [Fact]
    public void Replacing_needs_the_replace_permission()
    {
        AssertError(TransactionTokenPermission.Check(With(issue: true, replace: false), TransactionTokenKind.Replace), OAuthErrorCodes.UnauthorizedClient, "this client may not replace transaction tokens");
        Assert.Null(TransactionTokenPermission.Check(With(issue: false, replace: true), TransactionTokenKind.Replace));
    }
}
