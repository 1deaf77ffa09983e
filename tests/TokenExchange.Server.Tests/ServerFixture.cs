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

    private string Config(Uri jwks) => $$"""
        apps:
          - clientId: orders-service
            clientSecret: {{OrdersSecret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api, openid]
            allowedAudiences: [{{OrdersAudience}}]
            accessToken: { format: jwt, lifetime: 00:05:00 }
          - clientId: billing-service
            clientSecret: {{BillingSecret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api]
          - clientId: reports-service
            clientSecret: reports-secret-0123456789abcdef
            tokenExchange: { enabled: false, requireSecret: true }
            allowedScopes: [api]
        handlers:
          - name: partner-idp
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}}, refreshCooldown: 00:00:01 }
            audiences: [token-exchange]
            algorithms: [ES256]
            userMapping: { claim: sub, attribute: federationId, linkExisting: true }
            apps:
              - { clientId: orders-service, default: true, allowUserCreation: true }
              - { clientId: billing-service, default: true, allowUserCreation: false }
          - name: billing-only
            implementation: jwt
            acceptedTokenTypes: [jwt]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}} }
            audiences: [token-exchange]
            apps:
              - { clientId: billing-service }
          - name: dev-idp
            devIssuer: true
            acceptedTokenTypes: [access_token, jwt, id_token]
            audiences: [token-exchange]
            algorithms: [ES256]
            apps:
              - { clientId: orders-service, allowUserCreation: true }
        users:
          - { id: u-alice, username: alice@example.com, email: alice@example.com, federationId: alice-ext-1, displayName: Alice }
          - { id: u-dave, username: dave@example.com, federationId: dave-ext-1, enabled: false }
        """;
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
