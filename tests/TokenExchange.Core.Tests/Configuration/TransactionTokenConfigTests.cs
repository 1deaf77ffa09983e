using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>transactionTokens</c> in the configuration file, and <c>txn_token</c> kept from handlers.</summary>
public sealed class TransactionTokenConfigTests
{
    private static string App(string settings) => $$"""
        apps:
          - clientId: edge-gateway
            clientSecret: edge-secret-0123456789abcdef
            tokenExchange: { enabled: true }
            {{settings}}
        """;

    [Fact]
    public void The_policy_is_loaded_and_nothing_is_allowed_by_default()
    {
        var given = ConfigLoader.ParseDocument(App("transactionTokens: { issue: true, replace: true, lifetime: \"00:00:20\" }")).Apps[0];
        var defaulted = ConfigLoader.ParseDocument(App("transactionTokens: { issue: true }")).Apps[0];
        var none = ConfigLoader.ParseDocument(App("")).Apps[0];

        Assert.Equal(new TransactionTokenPolicy { Issue = true, Replace = true, Lifetime = TimeSpan.FromSeconds(20) }, given.TransactionTokens);
        Assert.Equal(new TransactionTokenPolicy { Issue = true, Lifetime = TimeSpan.FromMinutes(1) }, defaulted.TransactionTokens);
        Assert.Equal(new TransactionTokenPolicy(), none.TransactionTokens);
        Assert.False(none.TransactionTokens.Issue || none.TransactionTokens.Replace);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:01")]
    [InlineData("-00:00:05")]
    [InlineData("soon")]
    public void A_lifetime_that_is_not_short_is_refused_by_name(string lifetime)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument(App($"transactionTokens: {{ issue: true, lifetime: \"{lifetime}\" }}")));

        Assert.Contains(e.Problems, p => p.Contains("apps[0].transactionTokens.lifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void An_hour_is_the_longest_lifetime() =>
        Assert.Equal(TimeSpan.FromHours(1), ConfigLoader.ParseDocument(App("transactionTokens: { replace: true, lifetime: \"01:00:00\" }")).Apps[0].TransactionTokens.Lifetime);

    [Theory]
    [InlineData("txn_token")]
    [InlineData("urn:ietf:params:oauth:token-type:txn_token")]
    public void No_handler_accepts_txn_tokens(string type)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseDocument($$"""
            handlers:
              - { name: self, acceptedTokenTypes: [jwt, "{{type}}"], issuer: https://tx.example, jwks: { uri: https://tx.example/oauth2/jwks }, audiences: [tx] }
            """));

        Assert.Contains(e.Problems, p => p.Contains("handlers[0].acceptedTokenTypes: txn_token is not for handlers", StringComparison.Ordinal));
    }
}
