using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class ClusterIssuerTests
{
    [Fact]
    public void Trailing_slash_is_trimmed()
    {
        Assert.Equal("https://tx.test", new ClusterIssuer("https://tx.test/").Value);
    }

    [Fact]
    public void Unknown_issuer_throws_on_read()
    {
        var issuer = new ClusterIssuer();

        Assert.False(issuer.IsKnown);
        Assert.Throws<InvalidOperationException>(() => issuer.Value);
    }

    [Fact]
    public void Set_makes_it_known_and_setting_the_same_value_again_is_fine()
    {
        var issuer = new ClusterIssuer();

        issuer.Set("https://tx.test/");
        issuer.Set("https://tx.test");

        Assert.True(issuer.IsKnown);
        Assert.Equal("https://tx.test", issuer.Value);
    }

    [Fact]
    public void Set_to_another_value_throws()
    {
        var issuer = new ClusterIssuer("https://tx.test");

        Assert.Throws<InvalidOperationException>(() => issuer.Set("https://other.test"));
    }
}
