using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Observability;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// The verified-token cache over both front doors (README "Verified-token cache"): a subject token presented again is
/// answered without a second signature check (counted on /metrics), and refused as soon as it has expired or the key
/// that verified it has left the IdP's JWKS, with the error an uncached check gives. Each test runs its own server,
/// since it moves the server's clock or changes the IdP.
/// </summary>
public sealed class VerifiedTokenCacheTests : IAsyncLifetime
{
    private const string App = "orders-service";
    private const string Handler = "cached-idp";

    private readonly TestIdp idp = new("https://cached.idp.example");
    private readonly ShiftedClock clock = new();
    private JwksServer jwks = null!;
    private TokenExchangeServer server = null!;
    private Clients clients = null!;

    public async Task InitializeAsync()
    {
        jwks = await JwksServer.StartAsync(idp);
        var config = TestConfig.Create()
            .App(App, a => a.Secret(ServerFixture.OrdersSecret).Exchange().Scopes("api"))
            .JwtHandler(Handler, h => h
                .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
                .Jwks(jwks.JwksUri, refreshCooldown: "00:00:01")
                // Longer than the tokens below live, so what refuses them at expiry is the check at the hit.
                .ValidationCache(maxAge: "01:00:00")
                .Enable(App, isDefault: true, allowUserCreation: true))
            .ToYaml();
        server = await LoopbackServer.StartAsync(config, builder => builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)), "--dev-issuer", "false");
        clients = new Clients(new LoopbackAddresses(server));
    }

    public async Task DisposeAsync()
    {
        clients.Dispose();
        await server.DisposeAsync();
        await jwks.DisposeAsync();
    }

    private string Token(string subject, TimeSpan? expiresIn = null, Microsoft.IdentityModel.Tokens.SecurityKey? key = null) =>
        idp.Token(subject, now: clock.GetUtcNow(), expiresIn: expiresIn, key: key);

    private static ExchangeRequest Request(string token) => new()
    {
        ClientId = App,
        ClientSecret = ServerFixture.OrdersSecret,
        SubjectToken = token,
        SubjectTokenType = Clients.JwtType,
        Scope = { "api" },
    };

    /// <summary>One exchange over <paramref name="transport"/>: null when a token was issued, else the OAuth error and its description.</summary>
    private async Task<(string Code, string Description)?> Exchange(string transport, string token)
    {
        if (transport == "grpc")
        {
            try
            {
                Assert.NotEmpty((await clients.Grpc.ExchangeAsync(Request(token))).AccessToken);
                return null;
            }
            catch (RpcException e)
            {
                Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
                return (e.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason, e.Status.Detail);
            }
        }
        using var response = await clients.PostToken(Request(token));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (response.StatusCode == HttpStatusCode.OK) return null;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (body.RootElement.GetProperty("error").GetString()!, body.RootElement.GetProperty("error_description").GetString()!);
    }

    private async Task<PrometheusText> Scrape()
    {
        using var response = await clients.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static double Lookups(PrometheusText metrics, string result) =>
        metrics.Sum("tokenexchange_validation_cache_lookups_total", ("handler", Handler), ("result", result));

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_repeated_subject_token_is_accepted_from_the_cache(string transport)
    {
        var token = Token("repeat-" + transport);

        for (var i = 0; i < 3; i++) Assert.Null(await Exchange(transport, token));
        Assert.Null(await Exchange(transport, Token("fresh-" + transport)));

        var metrics = await Scrape();
        Assert.Equal(2, Lookups(metrics, "hit"));
        Assert.Equal(2, Lookups(metrics, "miss"));
        Assert.Equal(1, jwks.Fetches);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_repeated_subject_token_is_refused_once_it_has_expired(string transport)
    {
        var token = Token("expiring-" + transport, expiresIn: TimeSpan.FromMinutes(2));
        Assert.Null(await Exchange(transport, token));
        Assert.Null(await Exchange(transport, token));

        // Past exp plus the handler's clock skew (30 s), well within the cache's max age (1 h).
        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(30));
        var refused = await Exchange(transport, token);

        Assert.Equal(("invalid_request", "subject_token has expired"), refused);
        var metrics = await Scrape();
        Assert.Equal(2, Lookups(metrics, "hit"));
        Assert.Equal(1, Lookups(metrics, "miss"));
        Assert.Equal(1, metrics.Sum("tokenexchange_validation_cache_evictions_total", ("handler", Handler), ("reason", "expired")));
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_repeated_subject_token_is_refused_once_its_key_has_left_the_jwks(string transport)
    {
        var retired = idp.EcKey;
        var token = Token("rotated-" + transport);
        Assert.Null(await Exchange(transport, token));
        Assert.Null(await Exchange(transport, token));

        // The IdP rotates and stops publishing the old key; this silo sees it when a token under the new kid
        // makes it refetch (after the handler's 1 s refresh cooldown).
        var next = idp.Rotate();
        idp.Retire(retired);
        await Poll.UntilAsync(async () => await Exchange(transport, Token("next-" + transport, key: next)), r => r is null,
            TimeSpan.FromSeconds(15), "an exchange of a token signed with the IdP's new key", step: TimeSpan.FromMilliseconds(100));
        var refused = await Exchange(transport, token);

        Assert.Equal(("invalid_request", "subject_token signature could not be verified"), refused);
        var metrics = await Scrape();
        Assert.Equal(1, metrics.Sum("tokenexchange_validation_cache_evictions_total", ("handler", Handler), ("reason", "key_removed")));
    }
}
