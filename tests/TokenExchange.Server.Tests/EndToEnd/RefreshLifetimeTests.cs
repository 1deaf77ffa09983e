using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// A refresh token family over the wire: a delegated exchange's family keeps its act chain and never outlives
/// the subject and actor tokens; every family ends at its absolute lifetime however often it rotates. The
/// server's clock is moved forward instead of waiting.
/// </summary>
public sealed class RefreshLifetimeTests(RefreshLifetimeTests.Server fixture) : IClassFixture<RefreshLifetimeTests.Server>
{
    private const string Secret = "orders-secret-0123456789abcdef";

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_delegated_refresh_keeps_the_act_chain_and_outlives_neither_the_subject_nor_the_actor_token(string transport)
    {
        var subjectToken = await fixture.DevToken("deleg-" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromMinutes(10));
        var actorToken = await fixture.DevToken("actor-service", TimeSpan.FromMinutes(3));
        var actorExpires = new JsonWebToken(actorToken).ValidTo;
        var issued = await fixture.Grpc.ExchangeAsync(new Protos.V1.ExchangeRequest
        {
            ClientId = "orders-service",
            ClientSecret = Secret,
            SubjectToken = subjectToken,
            SubjectTokenType = Clients.JwtType,
            ActorToken = actorToken,
            ActorTokenType = Clients.JwtType,
            Scope = { "api", "offline_access" },
        });

        var (accessToken, refreshToken, error) = await fixture.Refresh(transport, "orders-service", issued.RefreshToken);

        Assert.Null(error);
        var refreshed = new JsonWebToken(accessToken);
        Assert.True(refreshed.TryGetClaim("act", out var act), "the refreshed access token has no act claim");
        Assert.Equal("actor-service", JsonDocument.Parse(act.Value).RootElement.GetProperty("sub").GetString());
        Assert.True(refreshed.ValidTo <= actorExpires, $"the refreshed access token expires {refreshed.ValidTo:O}, after the actor token {actorExpires:O}");
        Assert.True(await fixture.RefreshTokenExpiry(refreshToken!) <= actorExpires, "the rotated refresh token outlives the actor token");

        fixture.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(5));
        var (_, _, afterActorExpired) = await fixture.Refresh(transport, "orders-service", refreshToken!);

        Assert.Equal("invalid_grant", afterActorExpired);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Rotation_never_carries_a_family_past_its_absolute_lifetime(string transport)
    {
        var subjectToken = await fixture.DevToken("family-" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromMinutes(10));
        var issued = await fixture.Grpc.ExchangeAsync(new Protos.V1.ExchangeRequest
        {
            ClientId = "short-family",
            ClientSecret = Secret,
            SubjectToken = subjectToken,
            SubjectTokenType = Clients.JwtType,
            Scope = { "api", "offline_access" },
        });
        var started = fixture.Clock.GetUtcNow();

        fixture.Clock.Advance(TimeSpan.FromSeconds(50));
        var (_, second, firstError) = await fixture.Refresh(transport, "short-family", issued.RefreshToken);
        fixture.Clock.Advance(TimeSpan.FromSeconds(50));
        var (_, third, secondError) = await fixture.Refresh(transport, "short-family", second!);
        var thirdExpires = await fixture.RefreshTokenExpiry(third!, "short-family");
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        var (_, _, pastAbsolute) = await fixture.Refresh(transport, "short-family", third!);

        Assert.Null(firstError);
        Assert.Null(secondError);
        // One token lives a minute, but the family ends two minutes after the exchange.
        Assert.True(thirdExpires <= started + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1), $"the last rotation expires {thirdExpires:O}, past the family's end");
        Assert.Equal("invalid_grant", pastAbsolute);
    }

    [Fact]
    public async Task A_family_without_delegation_may_outlive_its_subject_token_within_its_absolute_lifetime()
    {
        var subjectToken = await fixture.DevToken("plain-" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromMinutes(1));
        var issued = await fixture.Grpc.ExchangeAsync(new Protos.V1.ExchangeRequest
        {
            ClientId = "orders-service",
            ClientSecret = Secret,
            SubjectToken = subjectToken,
            SubjectTokenType = Clients.JwtType,
            Scope = { "api", "offline_access" },
        });

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var (accessToken, _, error) = await fixture.Refresh("grpc", "orders-service", issued.RefreshToken);

        Assert.Null(error);
        Assert.False(new JsonWebToken(accessToken).TryGetClaim("act", out _));
    }

    /// <summary>One server for the class, on a clock the tests move forward (each test mints its tokens at the clock's now).</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient http = new();
        private GrpcChannel channel = null!;
        private TokenExchangeServer server = null!;

        public ShiftedClock Clock { get; } = new();
        public Protos.V1.TokenExchange.TokenExchangeClient Grpc => new(channel);

        public async Task InitializeAsync()
        {
            var config = TestConfig.Create()
                .App("orders-service", a => a
                    .Secret(Secret)
                    .Exchange()
                    .Scopes("api", "offline_access")
                    .AccessToken(lifetime: "00:05:00")
                    .RefreshTokens(lifetime: "01:00:00"))
                .App("short-family", a => a
                    .Secret(Secret)
                    .Exchange()
                    .Scopes("api", "offline_access")
                    .RefreshTokens(lifetime: "00:01:00", absoluteLifetime: "00:02:00"))
                .DevIssuerHandler("dev-idp", h => h
                    .Accepts("jwt")
                    .Audiences("token-exchange")
                    .Enable("orders-service", isDefault: true, allowUserCreation: true)
                    .Enable("short-family", isDefault: true, allowUserCreation: true))
                .ToYaml();
            server = await LoopbackServer.StartAsync(config, builder => builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
            channel = GrpcChannel.ForAddress(server.GrpcAddress);
        }

        public async Task DisposeAsync()
        {
            http.Dispose();
            channel.Dispose();
            await server.DisposeAsync();
        }

        public async Task<string> DevToken(string subject, TimeSpan ttl)
        {
            using var minted = await http.PostAsync(new Uri(server.HttpAddress, "/dev-issuer/token"),
                new FormUrlEncodedContent([new("sub", subject), new("ttl", ttl.ToString("c"))]));
            return (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        /// <summary>A refresh over either front door: the new access and refresh tokens, or the OAuth error code.</summary>
        public async Task<(string? AccessToken, string? RefreshToken, string? Error)> Refresh(string transport, string client, string refreshToken)
        {
            if (transport == "grpc")
            {
                try
                {
                    var response = await Grpc.RefreshAsync(new Protos.V1.RefreshRequest { ClientId = client, ClientSecret = Secret, RefreshToken = refreshToken });
                    return (response.AccessToken, response.RefreshToken, null);
                }
                catch (RpcException e)
                {
                    return (null, null, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? e.StatusCode.ToString());
                }
            }
            using var answer = await http.PostAsync(new Uri(server.HttpAddress, "/oauth2/token"), new FormUrlEncodedContent(
                [new("grant_type", "refresh_token"), new("client_id", client), new("client_secret", Secret), new("refresh_token", refreshToken)]));
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
            return answer.IsSuccessStatusCode
                ? (body.GetProperty("access_token").GetString(), body.GetProperty("refresh_token").GetString(), null)
                : (null, null, body.GetProperty("error").GetString());
        }

        /// <summary>When the refresh token expires, as its own app's introspection tells.</summary>
        public async Task<DateTime> RefreshTokenExpiry(string refreshToken, string client = "orders-service")
        {
            using var answer = await http.PostAsync(new Uri(server.HttpAddress, "/oauth2/introspect"), new FormUrlEncodedContent(
                [new("client_id", client), new("client_secret", Secret), new("token", refreshToken)]));
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("active").GetBoolean(), body.ToString());
            return DateTimeOffset.FromUnixTimeSeconds(body.GetProperty("exp").GetInt64()).UtcDateTime;
        }
    }
}
