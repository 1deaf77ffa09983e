using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class TransactionTokenIssuanceTests
{
    [Fact]
    public void Scopes_within_the_subject_tokens_pass()
    {
        var subject = FakeHandlerImplementation.Subject("alice", claims: new() { ["scope"] = "trade  read  write" });
        Assert.Null(TransactionTokenIssuance.CheckScopes(["trade"], subject));
        Assert.Null(TransactionTokenIssuance.CheckScopes(["read", "trade", "write"], subject));
    }

    [Fact]
    public void A_scope_beyond_the_subject_tokens_is_refused() =>
        AssertError(TransactionTokenIssuance.CheckScopes(["trade", "admin"], FakeHandlerImplementation.Subject("alice", claims: new() { ["scope"] = "trade read" })),
            OAuthErrorCodes.InvalidScope, "scope 'admin' is wider than the subject token's");

    [Fact]
    public void Scopes_compare_exactly() =>
        AssertError(TransactionTokenIssuance.CheckScopes(["Trade"], FakeHandlerImplementation.Subject("alice", claims: new() { ["scope"] = "trade" })),
            OAuthErrorCodes.InvalidScope, "scope 'Trade' is wider than the subject token's");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_subject_token_without_a_scope_is_refused_never_taken_as_unconstrained(string? scope)
    {
        var claims = scope is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["scope"] = scope };
        AssertError(TransactionTokenIssuance.CheckScopes(["trade"], FakeHandlerImplementation.Subject("alice", claims: claims)),
            OAuthErrorCodes.InvalidScope, "the subject token carries no scope, so a transaction token's scope cannot be bounded by it");
    }

    [Fact]
    public void Authentication_is_the_amr_else_the_acr()
    {
        Assert.Equal("mfa", TransactionTokenIssuance.Authentication(FakeHandlerImplementation.Subject("a", claims: new() { ["amr"] = "mfa", ["acr"] = "urn:loa:2" })));
        Assert.Equal("urn:loa:2", TransactionTokenIssuance.Authentication(FakeHandlerImplementation.Subject("a", claims: new() { ["amr"] = "", ["acr"] = "urn:loa:2" })));
        Assert.Equal("urn:loa:2", TransactionTokenIssuance.Authentication(FakeHandlerImplementation.Subject("a", claims: new() { ["acr"] = "urn:loa:2" })));
        Assert.Null(TransactionTokenIssuance.Authentication(FakeHandlerImplementation.Subject("a", claims: new() { ["acr"] = "" })));
        Assert.Null(TransactionTokenIssuance.Authentication(FakeHandlerImplementation.Subject("a")));
    }
}
