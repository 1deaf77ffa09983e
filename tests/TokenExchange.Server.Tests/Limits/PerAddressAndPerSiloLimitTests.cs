using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Server.Hosting;
using TokenExchange.Silo;
using TokenExchange.Silo.Limits;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Limits;

/// <summary>
/// The server-wide budget per client address (--rate-limit-per-address), and what "per silo" means: two
/// silos of one cluster (in this process, on one PostgreSQL database) each give an app its whole budget.
/// </summary>
public sealed class PerAddressAndPerSiloLimitTests
{
    private const string OrdersSecret = "orders-secret-0123456789abcdef";

    [Fact]
    public async Task The_address_budget_covers_every_request_from_that_address_and_no_other()
    {
        var idp = new TestIdp("https://idp.address.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await LoopbackServer.StartAsync(Config(idp, jwks, a => a.RateLimits()),
            builder => builder.Services.AddKeyedSingleton<TimeProvider>(RateLimits.ClockKey, clock), "--rate-limit-per-address", "2");
        using var first = new ClientsFrom(server, "127.0.0.1");
        using var second = new ClientsFrom(server, "127.0.0.2");

        // Unknown clients too: the address pays before anything is looked at.
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.Exchange("nobody", "not-a-secret-0123456789abcdef", idp.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
        using var refused = await first.Exchange("orders-service", OrdersSecret, idp.Token());
        using var introspection = await first.Http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "orders-service",
            ["client_secret"] = OrdersSecret,
            ["token"] = "anything",
        }));
        var overGrpc = await first.GrpcExchange("orders-service", OrdersSecret, idp.Token());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("too many requests from this address", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, introspection.StatusCode);
        Assert.Equal(global::Grpc.Core.StatusCode.ResourceExhausted, overGrpc.Status);
        Assert.Equal(HttpStatusCode.OK, (await second.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
    }

    [Fact]
    public async Task With_two_silos_an_app_gets_its_budget_on_each()
    {
        var idp = new TestIdp("https://idp.silos.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        await using var database = await PostgresDatabase.CreateAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = Config(idp, jwks, a => a.RateLimits(requestsPerSecond: 1, burst: 2));
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] args = ["--postgres", database.ConnectionString, "--key-encryption-key", kek, "--issuer", "http://sts.silos.test", "--dev-issuer", "false",
            .. ClusterCertificateFiles.ForTests.Arguments];
        void TestClock(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Services.AddKeyedSingleton<TimeProvider>(RateLimits.ClockKey, clock);

        await using var siloA = await LoopbackServer.StartAsync(config, TestClock, [.. args, "--migrate", "true"]);
        await using var siloB = await LoopbackServer.StartAsync(config, TestClock, args);
        await UntilKnown(siloB, "orders-service");
        using var toA = new ClientsFrom(siloA, "127.0.0.1");
        using var toB = new ClientsFrom(siloB, "127.0.0.1");

        var onA = new List<HttpStatusCode>();
        var onB = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            onA.Add((await toA.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
            onB.Add((await toB.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
        }

        // Burst 2 on each silo: four exchanges in the same instant across the cluster, twice the app's budget.
        HttpStatusCode[] expected = [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests];
        Assert.Equal(expected, onA);
        Assert.Equal(expected, onB);
    }

    private static async Task UntilKnown(TokenExchangeServer silo, string clientId)
    {
        var cache = silo.Services.GetRequiredService<DefinitionCache>();
        await Poll.UntilAsync(() => cache.Snapshot.Apps.ContainsKey(clientId), TimeSpan.FromSeconds(30), $"the second silo to see {clientId}",
            step: TimeSpan.FromMilliseconds(50));
    }

    private static string Config(TestIdp idp, JwksServer jwks, Func<AppBuilder, AppBuilder> limits) => TestConfig.Create()
        .App("orders-service", a => limits(a.Secret(OrdersSecret).Exchange()))
        .JwtHandler("partner", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .Enable("orders-service", isDefault: true, allowUserCreation: true))
        .ToYaml();
}
