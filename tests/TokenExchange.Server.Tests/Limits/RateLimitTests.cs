using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
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
/// Rate limits over the wire, on a server whose buckets run on a test clock (time moves only when a test
/// moves it, so nothing here depends on how fast the machine is). orders-service: 2 requests per second,
/// burst 3, 2 invalid tokens per minute; billing-service: the same request budget, no invalid-token budget.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private const string BillingSecret = "billing-secret-0123456789abcdef";
    private const string AdminKey = "limits-admin-key-0123456789abcdef";

    private readonly TestIdp idp = new("https://idp.limits.test");
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private JwksServer jwks = null!;
    private TokenExchangeServer server = null!;
    private ClientsFrom first = null!;
    private ClientsFrom second = null!;

    public async Task InitializeAsync()
    {
        jwks = await JwksServer.StartAsync(idp);
        server = await LoopbackServer.StartAsync(Config(ordersLimits: a => a.RateLimits(requestsPerSecond: 2, burst: 3, invalidTokensPerMinute: 2)),
            builder => builder.Services.AddKeyedSingleton<TimeProvider>(RateLimits.ClockKey, clock));
        first = new ClientsFrom(server, "127.0.0.1");
        second = new ClientsFrom(server, "127.0.0.2");
    }

    public async Task DisposeAsync()
    {
        first.Dispose();
        second.Dispose();
        await server.DisposeAsync();
        await jwks.DisposeAsync();
    }

    [Fact]
    public async Task Exceeding_the_app_budget_over_http_is_429_with_retry_after_and_leaves_other_apps_alone()
    {
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);

        using var refused = await first.Exchange("orders-service", OrdersSecret, idp.Token());
        var billing = await first.Exchange("billing-service", BillingSecret, idp.Token());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("temporarily_unavailable", body.GetProperty("error").GetString());
        Assert.Contains("too many requests for this client", body.GetProperty("error_description").GetString());
        Assert.Equal(HttpStatusCode.OK, billing.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
    }

    [Fact]
    public async Task Exceeding_the_app_budget_over_grpc_is_resource_exhausted_with_retry_info()
    {
        for (var i = 0; i < 3; i++) Assert.Equal(StatusCode.OK, (await first.GrpcExchange("orders-service", OrdersSecret, idp.Token())).Status);

        var (status, reason, retryDelay) = await first.GrpcExchange("orders-service", OrdersSecret, idp.Token());

        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal("temporarily_unavailable", reason);
        Assert.Equal(TimeSpan.FromSeconds(1), retryDelay);
        Assert.Equal(StatusCode.OK, (await first.GrpcExchange("billing-service", BillingSecret, idp.Token())).Status);
    }

    [Fact]
    public async Task The_invalid_token_budget_trips_before_the_request_budget_and_only_for_that_address()
    {
        // Two refused subject tokens spend the invalid-token budget (2 a minute); the request budget (burst 3) has one left.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await first.Exchange("orders-service", OrdersSecret, idp.TamperedToken())).StatusCode);

        using var refusedOverHttp = await first.Exchange("orders-service", OrdersSecret, idp.Token());
        var overGrpc = await first.GrpcExchange("orders-service", OrdersSecret, idp.Token());
        using var otherAddress = await second.Exchange("orders-service", OrdersSecret, idp.Token());

        Assert.Equal(HttpStatusCode.TooManyRequests, refusedOverHttp.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), refusedOverHttp.Headers.RetryAfter?.Delta); // one invalid token refills every 30 s
        Assert.Contains("too many invalid tokens", await refusedOverHttp.Content.ReadAsStringAsync());
        Assert.Equal((StatusCode.ResourceExhausted, "temporarily_unavailable", TimeSpan.FromSeconds(30)), overGrpc);
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_spends_the_address_budget_only_never_the_apps()
    {
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await first.Exchange("orders-service", "not-the-secret-0123456789abcdef", idp.Token())).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
    }

    [Fact]
    public async Task Changed_limits_apply_without_restart()
    {
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var admin = new Protos.V1.Admin.AdminClient(channel);
        var credentials = new Metadata { { "authorization", "Bearer " + AdminKey } };
        await admin.ApplyAsync(new ApplyRequest { Document = AppsDocument(a => a.RateLimits(requestsPerSecond: 1, burst: 1)).ToYaml() }, credentials);

        await UntilLimits(burst: 1);
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);

        await admin.ApplyAsync(new ApplyRequest { Document = AppsDocument(a => a.RateLimits()).ToYaml() }, credentials);
        await UntilLimits(burst: 0);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await first.Exchange("orders-service", OrdersSecret, idp.Token())).StatusCode);
    }

    /// <summary>Until this silo's definition cache has orders-service with the given burst (it follows within a refresh).</summary>
    private async Task UntilLimits(int burst)
    {
        var cache = server.Services.GetRequiredService<TokenExchange.Silo.DefinitionCache>();
        await Poll.UntilAsync(() => cache.Snapshot.Apps["orders-service"].RateLimits.EffectiveBurst == burst, TimeSpan.FromSeconds(10),
            $"the silo to see orders-service with burst {burst}");
    }

    [Fact]
    public async Task Rejections_are_counted_by_app_and_kind()
    {
        var meter = server.Services.GetRequiredService<TokenExchange.Diagnostics.TokenExchangeMetrics>().Meter;
        var counted = new List<(long Value, string App, string Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == TokenExchange.Diagnostics.TokenExchangeMetrics.RateLimitRejectionsName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            lock (counted) counted.Add((value, all["app"]!, all["kind"]!));
        });
        listener.Start();

        for (var i = 0; i < 4; i++) await first.Exchange("orders-service", OrdersSecret, idp.Token());

        lock (counted) Assert.Equal([(1L, "orders-service", RateLimits.AppKind)], counted);
    }

    private string Config(Func<AppBuilder, AppBuilder> ordersLimits) => AppsDocument(ordersLimits)
        .JwtHandler("partner", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .Enable("orders-service", isDefault: true, allowUserCreation: true)
            .Enable("billing-service", isDefault: true, allowUserCreation: true))
        .Admin(key: AdminKey)
        .ToYaml();

    private static TestConfig AppsDocument(Func<AppBuilder, AppBuilder> ordersLimits) => TestConfig.Create()
        .App("orders-service", a => ordersLimits(a.Secret(OrdersSecret).Exchange()))
        .App("billing-service", a => a.Secret(BillingSecret).Exchange().RateLimits(requestsPerSecond: 2, burst: 3));
}
