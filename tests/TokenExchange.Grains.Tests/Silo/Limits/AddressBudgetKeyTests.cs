using TokenExchange.Silo.Limits;

namespace TokenExchange.Grains.Tests.Silo.Limits;

public sealed class AddressBudgetKeyTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Ipv6_addresses_are_budgeted_by_their_64_and_ipv4_as_themselves(string? address, string key) =>
        Assert.Equal(key, AddressBudgetKey.For(address));

    [Fact]
    public void Two_addresses_of_one_64_spend_one_invalid_token_budget()
    {
        var limits = new RateLimits(new RateLimitOptions(), TimeProvider.System, null);
        var app = new TokenExchange.Definitions.AppDefinition { ClientId = "orders-service", RateLimits = new TokenExchange.Definitions.RateLimitPolicy { InvalidTokensPerMinute = 2 } };

        limits.InvalidToken(app, "2001:db8:1:2::1");
        limits.InvalidToken(app, "2001:db8:1:2::2");

        Assert.NotNull(limits.Admit(app, "2001:db8:1:2::3", checkInvalidTokens: true));
        Assert.Null(limits.Admit(app, "2001:db8:1:3::1", checkInvalidTokens: true));
    }
}
