using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// The IdP side on loopback: a JWKS served by a real HTTP listener. Each test runs its own server, since
/// it changes the IdP (rotates its key, takes it down).
/// </summary>
public sealed class IdpKeyRotationTests : IAsyncLifetime
{
    private readonly TestIdp idp = new("https://rotating.idp.example");
    private JwksServer jwks = null!;
    private TokenExchangeServer server = null!;
    private Clients clients = null!;

    public async Task InitializeAsync()
    {
        jwks = await JwksServer.StartAsync(idp);
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(ServerFixture.OrdersSecret).Exchange().Scopes("api"))
            .JwtHandler("rotating-idp", h => h
                .Accepts("jwt")
                .Issuer(idp.Issuer)
                .Jwks(jwks.JwksUri, refreshCooldown: "00:00:01")
                .Audiences("token-exchange")
                .Algorithms("ES256")
                .Enable("orders-service", isDefault: true, allowUserCreation: true))
            .ToYaml();
        server = await LoopbackServer.StartAsync(config, "--dev-issuer", "false");
        clients = new Clients(new LoopbackAddresses(server));
    }

    [Fact]
    public async Task A_new_signing_key_at_the_idp_is_picked_up_without_a_restart()
    {
        var before = await clients.Grpc.ExchangeAsync(Request(idp.Token("rotation-subject")));
        var fetchesBefore = jwks.Fetches;

        idp.Rotate();
        // Refused until the handler's refresh cooldown (1 s) has passed; then one fetch brings the new key.
        var after = await Poll.UntilAsync<Protos.V1.ExchangeResponse?>(async () =>
        {
            try
            {
                return await clients.Grpc.ExchangeAsync(Request(idp.Token("rotation-subject")));
            }
            catch (global::Grpc.Core.RpcException)
            {
                return null;
            }
        }, r => r is not null, TimeSpan.FromSeconds(10), "an exchange of a token signed with the IdP's new key", step: TimeSpan.FromMilliseconds(100));

        Assert.Equal(new JsonWebToken(before.AccessToken).Subject, new JsonWebToken(after!.AccessToken).Subject);
        Assert.Equal(fetchesBefore + 1, jwks.Fetches);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_does_not_become_a_flood_of_jwks_fetches()
    {
        await clients.Grpc.ExchangeAsync(Request(idp.Token("flood-subject")));
        var fetchesBefore = jwks.Fetches;
        var stranger = new TestIdp(idp.Issuer);
        var flood = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 20; i++)
            await clients.GrpcFailure(Request(stranger.Token("flood-subject")));

        // At most one fetch per refresh cooldown (1 s) the flood lasted: usually one in all. On a machine busy enough
        // that the 20 refusals took longer than the cooldown, another fetch is the rule working, not a flood (this
        // read 2 once in a full test run).
        Assert.InRange(jwks.Fetches - fetchesBefore, 0, 1 + (int)flood.Elapsed.TotalSeconds);
    }

    [Fact]
    public async Task An_unreachable_idp_with_no_cached_keys_is_temporarily_unavailable()
    {
        jwks.Down = true;

        var (status, code, _) = await clients.GrpcFailure(Request(idp.Token("down-subject")));

        Assert.Equal(global::Grpc.Core.StatusCode.Unavailable, status);
        Assert.Equal("temporarily_unavailable", code);
    }

    [Fact]
    public async Task Cached_keys_keep_serving_while_the_idp_is_down()
    {
        await clients.Grpc.ExchangeAsync(Request(idp.Token("cached-subject")));
        jwks.Down = true;

        var response = await clients.Grpc.ExchangeAsync(Request(idp.Token("cached-subject")));

        Assert.False(string.IsNullOrEmpty(response.AccessToken));
    }

    private static Protos.V1.ExchangeRequest Request(string token) => new()
    {
        ClientId = "orders-service",
        ClientSecret = ServerFixture.OrdersSecret,
        SubjectToken = token,
        SubjectTokenType = Clients.JwtType,
    };

    public async Task DisposeAsync()
    {
        clients.Dispose();
        await server.DisposeAsync();
        await jwks.DisposeAsync();
    }
}
