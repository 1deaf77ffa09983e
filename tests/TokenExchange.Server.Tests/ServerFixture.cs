using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests;

/// <summary>
/// One real server for the end-to-end tests: the product's host on ephemeral loopback ports, with a
/// configuration that trusts a test IdP whose JWKS a real HTTP listener serves.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IServerAddresses
{
    public const string OrdersSecret = "orders-secret-0123456789abcdef";
    public const string BillingSecret = "billing-secret-0123456789abcdef";
    public const string OrdersAudience = "https://orders.example";

    public TestIdp Idp { get; } = new("https://idp.partner.example");
    public JwksServer Jwks { get; private set; } = null!;
    public TokenExchangeServer Server { get; private set; } = null!;

    public Uri Http => Server.HttpAddress;
    public Uri Grpc => Server.GrpcAddress;

    public async Task InitializeAsync()
    {
        Jwks = await JwksServer.StartAsync(Idp);
        Server = await LoopbackServer.StartAsync(Config(Jwks.JwksUri));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Jwks.DisposeAsync();
    }

    private string Config(Uri jwks) => TestConfig.Create()
        .App("orders-service", a => a
            .Secret(OrdersSecret)
            .Exchange(requireSecret: true)
            .Scopes("api", "openid")
            .Audiences(OrdersAudience)
            .AccessToken(format: "jwt", lifetime: "00:05:00"))
        .App("billing-service", a => a.Secret(BillingSecret).Exchange(requireSecret: true).Scopes("api"))
        .App("reports-service", a => a.Secret("reports-secret-0123456789abcdef").Exchange(enabled: false, requireSecret: true).Scopes("api"))
        .JwtHandler("partner-idp", h => h
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks, refreshCooldown: "00:00:01")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
            .Enable("orders-service", isDefault: true, allowUserCreation: true)
            .Enable("billing-service", isDefault: true))
        .JwtHandler("billing-only", h => h
            .Accepts("jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks)
            .Audiences("token-exchange")
            .Enable("billing-service"))
        .DevIssuerHandler("dev-idp", h => h
            .Accepts("access_token", "jwt", "id_token")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .Enable("orders-service", allowUserCreation: true))
        .User("u-alice", u => u.Username("alice@example.com").Email("alice@example.com").FederationId("alice-ext-1").DisplayName("Alice"))
        .User("u-dave", u => u.Username("dave@example.com").FederationId("dave-ext-1").Disabled())
        .ToYaml();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
