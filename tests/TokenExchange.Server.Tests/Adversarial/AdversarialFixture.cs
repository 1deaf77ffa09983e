using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Adversarial;

/// <summary>
/// One real server for the adversarial suite: a trusted IdP whose JWKS fetches are counted, an attacker
/// with a key of its own and a web server that counts any request made to it, a clock tests can pin,
/// and every log line the server writes kept for the leak test.
/// </summary>
public sealed class AdversarialFixture : IAsyncLifetime, IServerAddresses
{
    public const string OrdersSecret = "orders-secret-adversarial-0123456789";
    public const string BillingSecret = "billing-secret-adversarial-0123456789";
    public const string AdminKey = "admin-key-adversarial-0123456789abcdef";
    public const string OrdersAudience = "https://orders.example";
    public const string OrdersIdpClient = "orders-web";
    public const string MaxTokenLifetime = "01:00:00";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public TestIdp Idp { get; } = new("https://idp.partner.example");

    /// <summary>Claims the trusted issuer, signs with its own keys.</summary>
    public TestIdp Attacker { get; } = new("https://idp.partner.example");

    /// <summary>A second, separately trusted IdP (its own issuer and key) whose subjects may equal the partner's.</summary>
    public TestIdp OtherIdp { get; } = new("https://idp.other.example");

    public string KeyEncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public PinnedClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public JwksServer Jwks { get; private set; } = null!;
    public CountingListener AttackerServer { get; private set; } = null!;
    public TokenExchangeServer Server { get; private set; } = null!;

    public Uri Http => Server.HttpAddress;
    public Uri Grpc => Server.GrpcAddress;

    public async Task InitializeAsync()
    {
        Jwks = await JwksServer.StartAsync(Idp);
        AttackerServer = await CountingListener.StartAsync(Attacker.Jwks);
        Server = await LoopbackServer.StartAsync(Config(Jwks.JwksUri), builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            builder.Logging.AddProvider(Logs);
            // Provider-specific rules win over the host's category filters: this sink sees everything.
            builder.Logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }, "--key-encryption-key", KeyEncryptionKey);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await AttackerServer.DisposeAsync();
        await Jwks.DisposeAsync();
    }

    /// <summary>A valid exchange for orders-service through the partner handler, to vary one field at a time.</summary>
    public Protos.V1.ExchangeRequest Request(string? subjectToken = null, string handler = "partner") => new()
    {
        ClientId = "orders-service",
        ClientSecret = OrdersSecret,
        SubjectToken = subjectToken ?? Idp.Token("alice-ext-1"),
        SubjectTokenType = Clients.AccessTokenType,
        TokenHandler = handler,
        Scope = { "api" },
    };

    private string Config(Uri jwks) => $$"""
        admin: { key: {{AdminKey}} }
        apps:
          - clientId: orders-service
            clientSecret: {{OrdersSecret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api, openid, offline_access]
            allowedAudiences: [{{OrdersAudience}}]
            accessToken: { format: jwt, lifetime: 00:05:00 }
            refreshTokens: { enabled: true }
          - clientId: billing-service
            clientSecret: {{BillingSecret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api]
        handlers:
          - name: partner
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt, id_token]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}}, refreshCooldown: 01:00:00 }
            audiences: [token-exchange]
            algorithms: [ES256]
            clockSkew: 00:00:30
            maxTokenLifetime: {{MaxTokenLifetime}}
            userMapping: { claim: sub, attribute: federationId, linkExisting: true }
            apps:
              - { clientId: orders-service, default: true, allowUserCreation: true }
              - { clientId: billing-service, default: true, allowUserCreation: false }
          - name: orders-web-only
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}}, refreshCooldown: 01:00:00 }
            audiences: [token-exchange]
            algorithms: [ES256]
            authorizedParties: [{{OrdersIdpClient}}]
            apps:
              - { clientId: orders-service, allowUserCreation: true }
          - name: by-email
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}}, refreshCooldown: 01:00:00 }
            audiences: [token-exchange]
            algorithms: [ES256]
            userMapping: { claim: email, attribute: email, linkExisting: true }
            apps:
              - { clientId: orders-service, allowUserCreation: false }
          - name: other-idp
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{OtherIdp.Issuer}}
            jwks: {{OtherIdp.Jwks()}}
            audiences: [token-exchange]
            algorithms: [ES256]
            userMapping: { claim: sub, attribute: federationId }
            apps:
              - { clientId: orders-service, allowUserCreation: true }
              - { clientId: billing-service, allowUserCreation: false }
          - name: billing-only
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{Idp.Issuer}}
            jwks: { uri: {{jwks}} }
            audiences: [token-exchange]
            apps:
              - { clientId: billing-service }
        users:
          - { id: u-alice, username: alice@example.com, federationId: alice-ext-1 }
          - { id: u-dave, username: dave@example.com, email: dave@example.com, federationId: dave-ext-1, enabled: false }
          - { id: u-erin, username: erin@example.com, email: erin@example.com, federationId: erin-ext-1 }
        """;
}

[CollectionDefinition(Name)]
public sealed class AdversarialCollection : ICollectionFixture<AdversarialFixture>
{
    public const string Name = "adversarial";
}

/// <summary>
/// The input-limit tests measure the managed heap of this process: they run alone, after the parallel
/// collections, or every other test's allocations would count as theirs. They get a server of their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AdversarialAloneCollection : ICollectionFixture<AdversarialFixture>
{
    public const string Name = "adversarial, run alone";
}
