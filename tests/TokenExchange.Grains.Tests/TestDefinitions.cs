using TokenExchange.Clients;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Testing;

namespace TokenExchange.Grains.Tests;

/// <summary>The definitions the test cluster is seeded with, and builders for the ones tests add.</summary>
public static class TestDefinitions
{
    /// <summary>The cluster's key-encryption key, made once per test run.</summary>
    public static readonly string KeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public const string Orders = "orders-service";
    public const string Billing = "billing-service";
    public const string Partner = "partner";
    public const string Secret = "test-secret-0123456789abcdef";

    /// <summary>The partner IdP; one instance shared by the test process and the in-process silos.</summary>
    public static readonly TestIdp Idp = new("https://idp.partner.test");

    public static readonly ClusterDefinitions Seed = new(
        [
            App(Orders) with { AllowedScopes = ["api", "openid"], AllowedAudiences = ["https://orders.example"] },
            App(Billing),
        ],
        [
            Handler(Partner,
                new HandlerAppEnablement { ClientId = Orders, Default = true, AllowUserCreation = true },
                new HandlerAppEnablement { ClientId = Billing, Default = true, AllowUserCreation = false }),
        ],
        [
            new UserRecord { Id = "u-alice", FederationId = "alice-ext-1", DisplayName = "Alice" },
            new UserRecord { Id = "u-dave", FederationId = "dave-ext-1", DisplayName = "Dave" },
        ]);

    public static AppDefinition App(string clientId, bool enabled = true) => new()
    {
        ClientId = clientId,
        SecretHashes = [ClientSecretHasher.Hash(Secret)],
        TokenExchangeEnabled = enabled,
    };

    public static HandlerDefinition Handler(string name, params HandlerAppEnablement[] apps) => new()
    {
        Name = name,
        Implementation = HandlerImplementations.Jwt,
        AcceptedTokenTypes = [TokenTypes.Jwt, TokenTypes.AccessToken],
        Trust = new JwtTrust
        {
            Issuer = Idp.Issuer,
            InlineJwks = Idp.Jwks(),
            Audiences = [TestIdp.DefaultAudience],
            Algorithms = ["ES256", "RS256"],
        },
        // The seeded users are linked on their first exchange by federation id (their IdP subject).
        UserMapping = new UserMappingRule { Claim = "sub", Attribute = UserField.FederationId, LinkExisting = true },
        Enablements = apps,
    };

    /// <summary>A token exchange request for <paramref name="subject"/> through <paramref name="clientId"/>, authenticated.</summary>
    public static ExchangeRequest Request(string clientId, string subject, string? handler = null) => new()
    {
        ClientId = clientId,
        ClientSecret = Secret,
        SubjectToken = Idp.Token(subject),
        SubjectTokenType = TokenTypes.Jwt,
        TokenHandler = handler,
    };

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
