using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Silo.Limits;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Limits;

/// <summary>
/// Rate limits behind a proxy (--trusted-proxies), over HTTP and gRPC: X-Forwarded-For (the same header in gRPC
/// metadata) names the caller only when the TCP peer is a trusted proxy; the real caller's budgets are charged;
/// IPv6 callers are budgeted per /64. The buckets run on a test clock, so no budget refills during a test.
/// The test's connections come from 127.0.0.1, which is the trusted proxy unless a test says otherwise.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string OrdersSecret = "orders-secret-0123456789abcdef";

    private readonly TestIdp idp = new("https://idp.proxies.test");

    [Fact]
    public async Task X_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored()
    {
        await using var server = await Start(a => a.RateLimits(), "--trusted-proxies", "10.0.0.0/8, 192.0.2.7", "--rate-limit-per-address", "2");

        // Each request claims another caller, but the peer (127.0.0.1) is not trusted: all spend its one budget.
        Assert.Equal(HttpStatusCode.OK, await server.Http("198.51.100.1", idp.Token()));
        Assert.Equal(StatusCode.OK, await server.Grpc("198.51.100.2", idp.Token()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await server.Http("198.51.100.3", idp.Token()));
        Assert.Equal(StatusCode.ResourceExhausted, await server.Grpc("198.51.100.4", idp.Token()));
    }

    [Fact]
    public async Task From_a_trusted_proxy_the_real_callers_address_budget_is_charged()
    {
        await using var server = await Start(a => a.RateLimits(), "--trusted-proxies", "127.0.0.0/8", "--rate-limit-per-address", "1");

        Assert.Equal(HttpStatusCode.OK, await server.Http("198.51.100.1", idp.Token()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await server.Http("198.51.100.1", idp.Token()));
        Assert.Equal(HttpStatusCode.OK, await server.Http("198.51.100.2", idp.Token()));

        Assert.Equal(StatusCode.OK, await server.Grpc("198.51.100.3", idp.Token()));
        Assert.Equal(StatusCode.ResourceExhausted, await server.Grpc("198.51.100.3", idp.Token()));
        // One caller, one budget, whichever front door it uses.
        Assert.Equal(StatusCode.ResourceExhausted, await server.Grpc("198.51.100.1", idp.Token()));
        // A chain through a second trusted proxy: the rightmost address that is not a proxy is the caller.
        Assert.Equal(StatusCode.OK, await server.Grpc("198.51.100.4, 127.0.0.9", idp.Token()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await server.Http("198.51.100.4", idp.Token()));
    }

    [Fact]
    public async Task Two_callers_behind_one_proxy_do_not_share_the_invalid_token_budget()
    {
        await using var server = await Start(a => a.RateLimits(invalidTokensPerMinute: 2), "--trusted-proxies", "127.0.0.1");

        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.BadRequest, await server.Http("198.51.100.1", idp.TamperedToken()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await server.Http("198.51.100.1", idp.Token()));
        Assert.Equal(HttpStatusCode.OK, await server.Http("198.51.100.2", idp.Token()));

        for (var i = 0; i < 2; i++) Assert.Equal(StatusCode.InvalidArgument, await server.Grpc("198.51.100.3", idp.TamperedToken()));
        Assert.Equal(StatusCode.ResourceExhausted, await server.Grpc("198.51.100.3", idp.Token()));
        Assert.Equal(StatusCode.OK, await server.Grpc("198.51.100.4", idp.Token()));
    }

    [Fact]
    public async Task Two_ipv6_addresses_in_one_64_share_one_budget()
    {
        await using var server = await Start(a => a.RateLimits(), "--trusted-proxies", "127.0.0.0/8", "--rate-limit-per-address", "1");

        Assert.Equal(HttpStatusCode.OK, await server.Http("2001:db8:1:2::1", idp.Token()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await server.Http("2001:db8:1:2:ffff:ffff:ffff:fffe", idp.Token()));
        Assert.Equal(HttpStatusCode.OK, await server.Http("2001:db8:1:3::1", idp.Token()));

        Assert.Equal(StatusCode.OK, await server.Grpc("[2001:db8:5:6::1]:4711", idp.Token()));
        Assert.Equal(StatusCode.ResourceExhausted, await server.Grpc("2001:db8:5:6:abcd::2", idp.Token()));
        Assert.Equal(StatusCode.OK, await server.Grpc("2001:db8:5:7::1", idp.Token()));
    }

    private async Task<ProxiedServer> Start(Func<AppBuilder, AppBuilder> limits, params string[] args)
    {
        var jwks = await JwksServer.StartAsync(idp);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = await LoopbackServer.StartAsync(Config(jwks, limits), builder => builder.Services.AddKeyedSingleton<TimeProvider>(RateLimits.ClockKey, clock), args);
        return new ProxiedServer(server, jwks);
    }

    private string Config(JwksServer jwks, Func<AppBuilder, AppBuilder> limits) => TestConfig.Create()
        .App("orders-service", a => limits(a.Secret(OrdersSecret).Exchange()))
        .JwtHandler("partner", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .Enable("orders-service", isDefault: true, allowUserCreation: true))
        .ToYaml();

    /// <summary>Exchanges as a proxy would forward them: from 127.0.0.1, with X-Forwarded-For naming the caller.</summary>
    private sealed class ProxiedServer(TokenExchangeServer server, JwksServer jwks) : IAsyncDisposable
    {
        private readonly HttpClient http = new() { BaseAddress = server.HttpAddress };
        private readonly GrpcChannel channel = GrpcChannel.ForAddress(server.GrpcAddress);

        public async Task<HttpStatusCode> Http(string forwardedFor, string subjectToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = Clients.TokenExchangeGrant,
                    ["client_id"] = "orders-service",
                    ["client_secret"] = OrdersSecret,
                    ["subject_token"] = subjectToken,
                    ["subject_token_type"] = Clients.JwtType,
                }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        public async Task<StatusCode> Grpc(string forwardedFor, string subjectToken)
        {
            try
            {
                await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(
                    new ExchangeRequest { ClientId = "orders-service", ClientSecret = OrdersSecret, SubjectToken = subjectToken, SubjectTokenType = Clients.JwtType },
                    new Metadata { { "x-forwarded-for", forwardedFor } });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            channel.Dispose();
            await server.DisposeAsync();
            await jwks.DisposeAsync();
        }
    }
}
