using System.Net;
using Microsoft.Extensions.Logging;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>
/// The dev issuer mints subject tokens for anyone: it exists only while the HTTP front door is bound to
/// loopback, or when <c>--dev-issuer true</c> asks for it, which is then warned about at every start.
/// </summary>
public sealed class DevIssuerBindTests
{
    [Fact]
    public async Task An_embedded_node_bound_to_every_address_has_no_dev_issuer()
    {
        var logs = new CapturedLogs();
        await using var server = await StartAsync(logs, "--http", "http://0.0.0.0:0");

        Assert.Equal(HttpStatusCode.NotFound, await MintAsync(server));
        Assert.False(server.Settings.DevIssuer);
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("DEV ISSUER ENABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Asked_for_explicitly_on_every_address_it_serves_and_warns()
    {
        var logs = new CapturedLogs();
        await using var server = await StartAsync(logs, "--http", "http://0.0.0.0:0", "--dev-issuer", "true");

        Assert.Equal(HttpStatusCode.OK, await MintAsync(server));
        Assert.Contains(logs.Lines, l => l.Message.Contains("DEV ISSUER ENABLED (--dev-issuer true) on http://0.0.0.0:0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_embedded_default_on_loopback_keeps_it_without_a_warning()
    {
        var logs = new CapturedLogs();
        await using var server = await StartAsync(logs, "--http", "http://127.0.0.1:0");

        Assert.Equal(HttpStatusCode.OK, await MintAsync(server));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("DEV ISSUER ENABLED", StringComparison.Ordinal));
    }

    private static Task<TokenExchangeServer> StartAsync(CapturedLogs logs, params string[] args) =>
        LoopbackServer.StartAsync(null, builder => builder.Logging.AddProvider(logs), args);

    /// <summary>POST /dev-issuer/token over loopback, whatever address the front door is bound to.</summary>
    private static async Task<HttpStatusCode> MintAsync(TokenExchangeServer server)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpAddress.Port}") };
        using var response = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["sub"] = "alice-ext-1" }));
        return response.StatusCode;
    }
}
