using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Diagnostics;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.ClientAssertions;
using TokenExchange.Silo.Limits;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Limits;

/// <summary>
/// The budgets come before a client assertion is verified (docs/security-limits.md): an address over its budget, or over
/// the invalid-token budget of the app it names, is refused without the assertion's signature being checked or its jti
/// recorded; and a refused assertion spends that budget as a refused subject token does. The buckets run on a test clock;
/// every test calls from a loopback address of its own. The server allows 4 requests a second per address;
/// <c>pkj-app</c> has no budgets of its own, <c>pkj-guarded</c> 2 invalid tokens a minute. Verifications are read from
/// <c>tokenexchange.client_assertions</c>, which counts every assertion checked, whatever its outcome.
/// </summary>
public sealed class ClientAssertionLimitTests : IAsyncLifetime
{
    private const int PerAddress = 4;

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly AssertionKey appKey = new();
    private readonly AssertionKey guardedKey = new();
    private readonly List<string> verified = [];
    private TokenExchangeServer server = null!;
    private HttpClient devIssuer = null!;
    private MeterListener listener = null!;

    public async Task InitializeAsync()
    {
        var config = TestConfig.Create()
            .App("pkj-app", a => a.PrivateKeyJwt(jwksJson: appKey.Jwks).Exchange().Scopes("api"))
            .App("pkj-guarded", a => a.PrivateKeyJwt(jwksJson: guardedKey.Jwks).Exchange().Scopes("api").RateLimits(invalidTokensPerMinute: 2))
            .DevIssuerHandler("dev-idp", h => h
                .Accepts("jwt")
                .Audiences("token-exchange")
                .Enable("pkj-app", isDefault: true, allowUserCreation: true)
                .Enable("pkj-guarded", isDefault: true, allowUserCreation: true))
            .ToYaml();
        server = await LoopbackServer.StartAsync(config, builder => builder.Services.AddKeyedSingleton<TimeProvider>(RateLimits.ClockKey, clock),
            "--rate-limit-per-address", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
        devIssuer = new HttpClient { BaseAddress = server.HttpAddress };
        var meter = server.Services.GetRequiredService<TokenExchangeMetrics>().Meter;
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == TokenExchangeMetrics.ClientAssertionsName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var outcome = tags.ToArray().Single(t => t.Key == "outcome").Value as string;
            lock (verified) verified.Add(outcome!);
        });
        listener.Start();
    }

    public async Task DisposeAsync()
    {
        listener.Dispose();
        devIssuer.Dispose();
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData("http", "127.0.0.10")]
    [InlineData("grpc", "127.0.0.11")]
    public async Task An_address_over_its_budget_is_refused_before_its_assertions_are_verified(string transport, string address)
    {
        using var from = new ClientsFrom(server, address);
        for (var i = 0; i < PerAddress; i++) Assert.Null((await Exchange(from, transport, "pkj-app", Assertion(appKey, "pkj-app", transport))).Code);
        var spared = Assertion(appKey, "pkj-app", transport);

        var overBudget = await Exchange(from, transport, "pkj-app", spared);
        var forged = await Exchange(from, transport, "pkj-app", Assertion(new AssertionKey(), "pkj-app", transport));
        var (_, introspection) = await Introspect(from, transport, "pkj-app", appKey.Assertion("pkj-app", IntrospectionEndpoint(transport)));

        AssertLimited(overBudget, transport, "too many requests from this address");
        AssertLimited(forged, transport, "too many requests from this address");
        AssertLimited(introspection!, transport, "too many requests from this address");
        Assert.Equal(Enumerable.Repeat("authenticated", PerAddress), Verified());
        // Its jti was never recorded: once the address has budget again, the same assertion authenticates.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await Exchange(from, transport, "pkj-app", spared)).Code);
    }

    [Theory]
    [InlineData("http", "127.0.0.20", "127.0.0.21")]
    [InlineData("grpc", "127.0.0.22", "127.0.0.23")]
    public async Task Refused_assertions_spend_the_invalid_token_budget_and_then_none_is_verified(string transport, string address, string otherAddress)
    {
        using var from = new ClientsFrom(server, address);
        using var elsewhere = new ClientsFrom(server, otherAddress);
        var used = Assertion(guardedKey, "pkj-guarded", transport);
        Assert.Null((await Exchange(from, transport, "pkj-guarded", used)).Code);

        // A replayed jti and a foreign signature: two refusals, the app's 2 invalid tokens a minute.
        (await Exchange(from, transport, "pkj-guarded", used)).AssertUnauthenticated(transport);
        (await Exchange(from, transport, "pkj-guarded", Assertion(new AssertionKey(), "pkj-guarded", transport))).AssertUnauthenticated(transport);
        var spared = Assertion(guardedKey, "pkj-guarded", transport);
        var refused = await Exchange(from, transport, "pkj-guarded", spared);
        var (_, introspection) = await Introspect(from, transport, "pkj-guarded", guardedKey.Assertion("pkj-guarded", IntrospectionEndpoint(transport)));
        var otherCaller = await Exchange(elsewhere, transport, "pkj-guarded", Assertion(guardedKey, "pkj-guarded", transport));

        AssertLimited(refused, transport, "too many invalid tokens from this client and address");
        AssertLimited(introspection!, transport, "too many invalid tokens from this client and address");
        Assert.Null(otherCaller.Code);
        Assert.Equal(["authenticated", "replayed", "invalid", "authenticated"], Verified());
        // One invalid token refills every 30 s; the assertion refused meanwhile was never verified, so its jti is unspent.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null((await Exchange(from, transport, "pkj-guarded", spared)).Code);
    }

    private List<string> Verified()
    {
        lock (verified) return [.. verified];
    }

    private static void AssertLimited(Answer answer, string transport, string description)
    {
        Assert.Null(answer.AccessToken);
        Assert.Equal("temporarily_unavailable", answer.Code);
        Assert.StartsWith(description, answer.Description);
        if (transport == "http") Assert.Equal(429, answer.HttpStatus);
        else Assert.Equal(StatusCode.ResourceExhausted, answer.GrpcStatus);
    }

    private string Assertion(AssertionKey key, string clientId, string transport) =>
        key.Assertion(clientId, transport == "http" ? server.Issuer + "/oauth2/token" : server.Issuer + GrpcMethods.Exchange);

    private string IntrospectionEndpoint(string transport) => transport == "http" ? server.Issuer + "/oauth2/introspect" : server.Issuer + GrpcMethods.Introspect;

    private async Task<Answer> Exchange(ClientsFrom from, string transport, string clientId, string assertion)
    {
        using var minted = await devIssuer.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "limited-" + Guid.NewGuid().ToString("N")[..8])]));
        var subjectToken = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        if (transport == "http")
        {
            using var response = await from.Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = Clients.TokenExchangeGrant,
                ["client_id"] = clientId,
                ["client_assertion_type"] = ClientAssertionServer.JwtBearer,
                ["client_assertion"] = assertion,
                ["subject_token"] = subjectToken,
                ["subject_token_type"] = Clients.JwtType,
                ["scope"] = "api",
            }));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.IsSuccessStatusCode ? Answer.Of(body) : Answer.Refusal((int)response.StatusCode, body);
        }
        var request = new ExchangeRequest { SubjectToken = subjectToken, SubjectTokenType = Clients.JwtType, Scope = { "api" } };
        ClientAssertionServer.Fill(request, new(clientId, assertion));
        try
        {
            return Answer.Of(await from.Grpc.ExchangeAsync(request));
        }
        catch (RpcException e)
        {
            return Answer.Refusal(e);
        }
    }

    private static async Task<(JsonElement? Body, Answer? Refused)> Introspect(ClientsFrom from, string transport, string clientId, string assertion)
    {
        if (transport == "http")
        {
            using var response = await from.Http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = clientId,
                ["client_assertion_type"] = ClientAssertionServer.JwtBearer,
                ["client_assertion"] = assertion,
                ["token"] = "anything",
            }));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.IsSuccessStatusCode ? (body, null) : (null, Answer.Refusal((int)response.StatusCode, body));
        }
        try
        {
            var answer = await from.Grpc.IntrospectAsync(new TokenRequest { ClientId = clientId, Token = "anything", ClientAssertion = assertion, ClientAssertionType = ClientAssertionServer.JwtBearer });
            return (JsonDocument.Parse(answer.Json).RootElement, null);
        }
        catch (RpcException e)
        {
            return (null, Answer.Refusal(e));
        }
    }
}
