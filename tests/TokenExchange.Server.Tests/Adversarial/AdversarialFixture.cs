using System.Security.Cryptography;
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

    private string Config(Uri jwks) => TestConfig.Create()
        .Admin(key: AdminKey)
        .App("orders-service", a => a
            .Secret(OrdersSecret)
            .Exchange(requireSecret: true)
            .Scopes("api", "openid", "offline_access")
            .Audiences(OrdersAudience)
            .AccessToken(format: "jwt", lifetime: "00:05:00")
            .RefreshTokens())
        .App("billing-service", a => a.Secret(BillingSecret).Exchange(requireSecret: true).Scopes("api"))
        .JwtHandler("partner", h => h
            .Accepts("access_token", "jwt", "id_token")
            .Issuer(Idp.Issuer)
            .Jwks(jwks, refreshCooldown: "01:00:00")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .ClockSkew("00:00:30")
            .MaxTokenLifetime(MaxTokenLifetime)
            .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
            .Enable("orders-service", isDefault: true, allowUserCreation: true)
            .Enable("billing-service", isDefault: true))
        .JwtHandler("orders-web-only", h => h
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks, refreshCooldown: "01:00:00")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .AuthorizedParties(OrdersIdpClient)
            .Enable("orders-service", allowUserCreation: true))
        .JwtHandler("by-email", h => h
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks, refreshCooldown: "01:00:00")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .UserMapping(claim: "email", attribute: "email", linkExisting: true)
            .Enable("orders-service"))
        .JwtHandler("other-idp", h => h
            .Accepts("access_token", "jwt")
            .Issuer(OtherIdp.Issuer)
            .InlineJwks(OtherIdp.Jwks())
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .UserMapping(claim: "sub", attribute: "federationId")
            .Enable("orders-service", allowUserCreation: true)
            .Enable("billing-service"))
        .JwtHandler("billing-only", h => h
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks)
            .Audiences("token-exchange")
            .Enable("billing-service"))
        .User("u-alice", u => u.Username("alice@example.com").FederationId("alice-ext-1"))
        .User("u-dave", u => u.Username("dave@example.com").Email("dave@example.com").FederationId("dave-ext-1").Disabled())
        .User("u-erin", u => u.Username("erin@example.com").Email("erin@example.com").FederationId("erin-ext-1"))
        .ToYaml();
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
