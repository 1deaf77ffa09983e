using TokenExchange.Proofs;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary><see cref="DpopUris"/>: RFC 9449 section 4.3's htu comparison.</summary>
public sealed class DpopUrisTests
{
    [Theory]
    [InlineData("https://tx.example/oauth2/token", "https://tx.example/oauth2/token")]
    [InlineData("HTTPS://TX.EXAMPLE/oauth2/token", "https://tx.example/oauth2/token")]
    [InlineData("https://tx.example:443/oauth2/token", "https://tx.example/oauth2/token")]
    [InlineData("http://tx.example:80/oauth2/token", "http://tx.example/oauth2/token")]
    [InlineData("https://tx.example:8443/oauth2/token", "https://tx.example:8443/oauth2/token")]
    [InlineData("https://tx.example/oauth2/token?a=b#c", "https://tx.example/oauth2/token")]
    [InlineData("https://tx.example", "https://tx.example/")]
    [InlineData("https://tx.example/%7Euser", "https://tx.example/~user")]
    public void Normalizes(string url, string normalized) => Assert.Equal(normalized, DpopUris.Normalize(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/oauth2/token")]
    [InlineData("ftp://tx.example/oauth2/token")]
    [InlineData("not a url")]
    public void Refuses_what_is_no_absolute_http_url(string? url) => Assert.Null(DpopUris.Normalize(url));

    [Fact]
    public void Matches_any_of_the_urls()
    {
        Assert.True(DpopUris.Matches("https://a.example/x", ["https://b.example/x", "https://A.example:443/x"]));
        Assert.False(DpopUris.Matches("https://a.example/x", ["https://b.example/x"]));
        Assert.False(DpopUris.Matches("https://a.example/x", []));
    }

    [Fact]
    public void The_path_compares_with_case() => Assert.False(DpopUris.Matches("https://a.example/X", ["https://a.example/x"]));

    [Fact]
    public void A_presented_url_that_is_not_one_matches_nothing_not_even_a_bad_url() => Assert.False(DpopUris.Matches("not a url", ["not a url"]));
}
