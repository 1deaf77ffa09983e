using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenExchange.Server.Hosting;
using IPNetwork = System.Net.IPNetwork;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The semantics <see cref="ForwardedClients"/> relies on, checked on ASP.NET Core's middleware itself: the caller is
/// the rightmost X-Forwarded-For entry that is not a trusted proxy, and only a trusted peer's header is read.
/// </summary>
public sealed class ForwardedClientsTests
{
    private static readonly IPNetwork[] Trusted = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.7/32")];

    [Theory]
    // Not from a trusted proxy: the header is ignored.
    [InlineData("203.0.113.5", "198.51.100.1", "203.0.113.5")]
    [InlineData("127.0.0.1", "198.51.100.1", "127.0.0.1")]
    // From a trusted proxy: the last hop it names.
    [InlineData("10.1.2.3", "198.51.100.1", "198.51.100.1")]
    [InlineData("::ffff:10.1.2.3", "198.51.100.1", "198.51.100.1")]
    // Through several trusted proxies: the rightmost entry that is not one; what the caller wrote left of it is not believed.
    [InlineData("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.0.2.7, 10.9.9.9", "198.51.100.1")]
    [InlineData("192.0.2.7", "6.6.6.6, 198.51.100.1", "198.51.100.1")]
    [InlineData("10.1.2.3", "2001:db8::5", "2001:db8::5")]
    [InlineData("10.1.2.3", "[2001:db8::5]:443", "2001:db8::5")]
    // An entry that is not an address: the last trusted proxy stays the caller (never a made-up one).
    [InlineData("10.1.2.3", "not-an-address", "10.1.2.3")]
    public async Task The_caller_is_the_rightmost_forwarded_address_that_is_not_a_trusted_proxy(string peer, string forwardedFor, string caller)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(ForwardedClients.Options(Trusted)));

        await middleware.Invoke(context);

        Assert.Equal(IPAddress.Parse(caller), context.Connection.RemoteIpAddress);
    }
}
