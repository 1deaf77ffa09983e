using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Tests.Configuration;

/// <summary>An app's <c>private_key_jwt</c> settings in the configuration file (<c>jwks</c>, <c>jwksUri</c>, <c>federatedCredentials</c>), their problems, and their way back to the file.</summary>
public sealed class ClientAssertionConfigTests
{
    private const string PublicKey = """{ kty: EC, crv: P-256, kid: orders-1, x: f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU, y: x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0 }""";

    private static string App(string settings) => $$"""
        apps:
          - clientId: orders-service
            tokenExchange: { enabled: true }
            tokenEndpointAuthMethod: private_key_jwt
        {{string.Join("\n", settings.Split('\n').Select(line => "    " + line))}}
        """;

    private static AppDefinition Load(string settings) => ConfigLoader.Parse(App(settings)).Apps.Single();

    private static IReadOnlyList<string> Problems(string settings) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(App(settings))).Problems;

    [Fact]
    public void Inline_keys_are_held_as_a_JWKS_document()
    {
        var app = Load($$"""
            jwks: { keys: [{{PublicKey}}] }
            """);

        Assert.Equal(ClientAuthMethods.PrivateKeyJwt, app.TokenEndpointAuthMethod);
        Assert.Empty(app.SecretHashes);
        Assert.True(app.RequireSecret);
        Assert.Single(Core.Handlers.JwksParser.SigningKeys(app.ClientAssertions!.Jwks!));
        Assert.Null(app.ClientAssertions.JwksUri);
    }

    [Fact]
    public void Federated_credentials_and_a_JWKS_URI_are_read()
    {
        var app = Load("""
            jwksUri: https://keys.example/orders.json
            federatedCredentials:
              - { issuer: "https://kubernetes.default.svc.cluster.local", subject: "system:serviceaccount:shop:orders", audience: token-exchange }
              - { issuer: "https://spire.example.org", subject: "spiffe://example.org/ns/shop/sa/orders", jwksUri: "https://spire.example.org/keys", oneTimeUse: true }
            """);

        Assert.Equal("https://keys.example/orders.json", app.ClientAssertions!.JwksUri);
        Assert.Equal(
            [
                new FederatedCredential { Issuer = "https://kubernetes.default.svc.cluster.local", Subject = "system:serviceaccount:shop:orders", Audience = "token-exchange" },
                new FederatedCredential { Issuer = "https://spire.example.org", Subject = "spiffe://example.org/ns/shop/sa/orders", JwksUri = "https://spire.example.org/keys", OneTimeUse = true },
            ], app.ClientAssertions.FederatedCredentials);
    }

    [Fact]
    public void Loopback_http_is_allowed_for_keys()
    {
        Assert.Equal("http://127.0.0.1:8080/jwks", Load("jwksUri: http://127.0.0.1:8080/jwks").ClientAssertions!.JwksUri);
    }

    [Theory]
    [InlineData("", "apps[0]: private_key_jwt needs jwks, jwksUri or federatedCredentials")]
    [InlineData("jwksUri: http://keys.example/jwks", "apps[0].jwksUri must be an https URL (http only on loopback)")]
    [InlineData("jwksUri: keys.json", "apps[0].jwksUri must be an https URL (http only on loopback)")]
    [InlineData("jwksUri: https://keys.example/a\njwks: { keys: [" + PublicKey + "] }", "apps[0]: give jwks or jwksUri, not both")]
    [InlineData("jwks: { keys: [{ kty: EC, crv: P-256, x: a, y: b, d: c }] }", "apps[0].jwks: public keys only (a key has private members)")]
    [InlineData("jwks: { keys: [{ kty: oct, k: c2VjcmV0 }] }", "apps[0].jwks: public keys only (a key has private members)")]
    [InlineData("jwks: { keys: [] }", "apps[0].jwks needs at least one EC or RSA signing key")]
    [InlineData("clientSecret: orders-secret-0123456789abcdef\njwksUri: https://keys.example/a", "apps[0]: an app that authenticates with a client assertion (private_key_jwt) has no clientSecret or clientSecretHashes")]
    [InlineData("tlsClientAuth: { subjectDn: CN=x }\njwksUri: https://keys.example/a", "apps[0].tlsClientAuth is a setting of tls_client_auth and self_signed_tls_client_auth, not of private_key_jwt")]
    [InlineData("federatedCredentials: [{ subject: s }]", "apps[0].federatedCredentials[0].issuer is required")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example }]", "apps[0].federatedCredentials[0].subject is required")]
    [InlineData("federatedCredentials: [{ issuer: kubernetes, subject: s }]", "apps[0].federatedCredentials[0].issuer must be an https URL to discover its keys (or give jwksUri)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: s, jwksUri: http://i.example/k }]", "apps[0].federatedCredentials[0].jwksUri must be an https URL (http only on loopback)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: s, audience: '' }]", "apps[0].federatedCredentials[0].audience must be a non-empty value without control characters")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://Example.org/x' }]", "apps[0].federatedCredentials[0].subject 'spiffe://Example.org/x' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://example.org/x?y' }]", "apps[0].federatedCredentials[0].subject 'spiffe://example.org/x?y' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://example.org:8443/x' }]", "apps[0].federatedCredentials[0].subject 'spiffe://example.org:8443/x' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://example.org/x/' }]", "apps[0].federatedCredentials[0].subject 'spiffe://example.org/x/' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://example.org//x' }]", "apps[0].federatedCredentials[0].subject 'spiffe://example.org//x' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    [InlineData("federatedCredentials: [{ issuer: https://i.example, subject: 'spiffe://u@example.org/x' }]", "apps[0].federatedCredentials[0].subject 'spiffe://u@example.org/x' is not a SPIFFE ID (spiffe://trust-domain/path, lower-case trust domain, no query, fragment, port or user)")]
    public void Each_problem_is_named(string settings, string problem) => Assert.Contains(problem, Problems(settings));

    [Fact]
    public void RequireSecret_false_is_refused_for_an_assertion_app() =>
        Assert.Contains("apps[0].tokenExchange.requireSecret cannot be false for private_key_jwt: every request presents the app's assertion",
            Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
                apps:
                  - clientId: orders-service
                    tokenExchange: { enabled: true, requireSecret: false }
                    tokenEndpointAuthMethod: private_key_jwt
                    jwksUri: https://keys.example/a
                """)).Problems);

    [Fact]
    public void The_settings_belong_to_private_key_jwt_only() =>
        Assert.Contains("apps[0]: jwks, jwksUri and federatedCredentials are settings of private_key_jwt, not of client_secret_basic",
            Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
                apps:
                  - clientId: orders-service
                    clientSecret: orders-secret-0123456789abcdef
                    tokenExchange: { enabled: true }
                    jwksUri: https://keys.example/a
                """)).Problems);

    [Fact]
    public void A_secret_app_has_no_client_assertion_policy() =>
        Assert.Null(ConfigLoader.Parse("""
            apps:
              - clientId: orders-service
                clientSecret: orders-secret-0123456789abcdef
                tokenExchange: { enabled: true }
            """).Apps.Single().ClientAssertions);
}
