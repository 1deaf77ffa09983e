using TokenExchange.Definitions;
using TokenExchange.Server.Setup.Pages;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>The Setup page's app form shows an app's transaction token policy, an edit keeps or changes it, and a new app gets it.</summary>
public sealed class AppFormTransactionTokenTests
{
    private static readonly AppDefinition Gateway = new()
    {
        ClientId = "edge-gateway",
        SecretHashes = [TokenExchange.Clients.ClientSecretHasher.Hash("edge-gateway-secret-0123456789abcdef")],
        TransactionTokens = new TransactionTokenPolicy { Issue = true, Lifetime = TimeSpan.FromSeconds(30) },
    };

    [Fact]
    public void The_form_shows_the_policy_and_an_unchanged_post_keeps_it()
    {
        var form = AppForm.From(Gateway);

        Assert.True(form.TransactionTokensIssue);
        Assert.False(form.TransactionTokensReplace);
        Assert.Equal("00:00:30", form.TransactionTokenLifetime);
        Assert.Same(Gateway.TransactionTokens, form.ToApp(Gateway).TransactionTokens);
    }

    [Fact]
    public void An_edit_changes_the_policy()
    {
        var form = AppForm.From(Gateway);
        form.TransactionTokensReplace = true;
        form.TransactionTokenLifetime = "00:02:00";

        Assert.Equal(new TransactionTokenPolicy { Issue = true, Replace = true, Lifetime = TimeSpan.FromMinutes(2) }, form.ToApp(Gateway).TransactionTokens);
    }

    [Fact]
    public void A_lifetime_beyond_an_hour_is_refused_by_the_configuration_rules()
    {
        var form = AppForm.From(Gateway);
        form.TransactionTokenLifetime = "02:00:00";

        var refused = Assert.ThrowsAny<Exception>(() => form.ToApp(Gateway));
        Assert.Contains("transactionTokens.lifetime must be more than zero and at most one hour", refused.Message);
    }

    [Fact]
    public void A_new_app_gets_the_policy_of_the_form()
    {
        var form = new AppForm { ClientId = "inventory", TransactionTokensReplace = true, TransactionTokenLifetime = " " };

        Assert.Equal(new TransactionTokenPolicy { Replace = true }, form.ToNewApp("inventory-secret-0123456789abcdef").TransactionTokens);
        Assert.Equal(new TransactionTokenPolicy(), new AppForm { ClientId = "plain" }.ToNewApp("plain-secret-0123456789abcdefgh").TransactionTokens);
    }
}
