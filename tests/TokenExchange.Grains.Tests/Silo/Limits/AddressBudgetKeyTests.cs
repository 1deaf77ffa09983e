using System.Net;
using System.Net.Sockets;
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

    /// <summary>
    /// The IPv4 shortcut (an address already written as IPAddress writes it is its own key) agrees with parsing the
    /// address: for every IPv4 address written that way, and for texts that only look like one.
    /// </summary>
    [Theory]
    [InlineData("1.2.3")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.04")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.1000")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("4294967295")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("10.0.0.10")]
    public void The_ipv4_shortcut_gives_the_key_parsing_gives(string address) =>
        Assert.Equal(Parsed(address), AddressBudgetKey.For(address));

    [Fact]
    public void Every_ipv4_address_as_written_is_its_own_key()
    {
        var random = new Random(15);
        for (var i = 0; i < 10_000; i++)
        {
            var address = new IPAddress(random.NextInt64(0, 1L << 32)).ToString();
            Assert.True(AddressBudgetKey.IsCanonicalIpv4(address), address);
            Assert.Same(address, AddressBudgetKey.For(address));
            Assert.Equal(Parsed(address), AddressBudgetKey.For(address));
        }
    }

    /// <summary>The key by parsing, as before the shortcut (IPv4 only: every case above is IPv4 or no address).</summary>
    private static string Parsed(string address) =>
        IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork ? parsed.ToString() : address;

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
