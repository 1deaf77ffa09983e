using TokenExchange.Clients;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Server.Setup.Pages;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>
/// The Setup page's app form edits only what it shows and the user changed: rendered from a stored app and posted
/// back unchanged, it gives the stored app again, every field of it, for every kind of app.
/// </summary>
public sealed class AppFormTests
{
    private const string Thumbprint = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    public static TheoryData<string> Kinds() => [.. Apps.Keys];

    /// <summary>One app of each kind, every field set to something other than its default.</summary>
    private static readonly Dictionary<string, AppDefinition> Apps = new()
    {
        ["secrets"] = new AppDefinition
        {
            ClientId = "secret-app",
            Label = "  Orders, with spaces kept  ",
            Kind = AppKinds.ExternalClientApp,
            SecretHashes = [ClientSecretHasher.Hash("first-secret-0123456789"), ClientSecretHasher.Hash("second-secret-0123456789")],
            SecretHints = ["…6789", ""],
            TokenExchangeEnabled = true,
            RequireSecret = false,
            // Duplicates and a comma: the form's word list would fold them, an unchanged form must not.
            AllowedScopes = ["api", "api", "read,write"],
            AllowedAudiences = ["https://orders.example", "https://billing.example"],
            AccessToken = new AccessTokenPolicy { Format = AccessTokenFormats.Opaque, Lifetime = TimeSpan.FromSeconds(90.5), MayOutliveSubjectToken = true },
            RefreshTokens = new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(36) },
            TokenEndpointAuthMethod = ClientAuthMethods.ClientSecretPost,
            RateLimits = new RateLimitPolicy { RequestsPerSecond = 200, Burst = 0, InvalidTokensPerMinute = 30 },
        },
        ["tls_client_auth subject DN"] = new AppDefinition
        {
            ClientId = "mtls-dn",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { SubjectDn = ClientCertificates.CanonicalDn("CN=orders-service, O=Example") },
            RateLimits = new RateLimitPolicy { RequestsPerSecond = 5, Burst = 50 },
            AllowedScopes = ["api"],
        },
        ["tls_client_auth SAN"] = new AppDefinition
        {
            ClientId = "mtls-san",
            Label = "SAN",
            TokenExchangeEnabled = false,
            TokenEndpointAuthMethod = ClientAuthMethods.TlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { SanDns = "orders.internal" },
        },
        ["self_signed_tls_client_auth"] = new AppDefinition
        {
            ClientId = "batch-job",
            Label = "Batch",
            Kind = "custom_kind",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.SelfSignedTlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { Thumbprints = [Thumbprint] },
            RateLimits = new RateLimitPolicy { RequestsPerSecond = 100, Burst = 400, InvalidTokensPerMinute = 10 },
            RefreshTokens = new RefreshTokenPolicy { Enabled = true },
        },
        ["private_key_jwt inline keys"] = new AppDefinition
        {
            ClientId = "signed-app",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
            ClientAssertions = new ClientAssertionPolicy { Jwks = Jwks },
            AllowedScopes = ["api"],
        },
        ["private_key_jwt federated"] = new AppDefinition
        {
            ClientId = "k8s-app",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
            ClientAssertions = new ClientAssertionPolicy
            {
                JwksUri = "https://keys.example/jwks",
                FederatedCredentials =
                [
                    new FederatedCredential { Issuer = "https://kubernetes.default.svc.cluster.local", Subject = "system:serviceaccount:shop:orders", Audience = "token-exchange", OneTimeUse = true },
                    new FederatedCredential { Issuer = "https://spire.example.org", Subject = "spiffe://example.org/orders", JwksUri = "https://spire.example.org/keys" },
                ],
            },
        },
    };

    private const string Jwks = """{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}""";

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_unchanged_form_gives_the_stored_app_back_field_for_field(string kind)
    {
        var stored = Apps[kind];

        var saved = AppForm.From(stored).ToApp(stored);

        Assert.Equal(Json(stored), Json(saved));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Changing_the_label_changes_the_label_and_nothing_else(string kind)
    {
        var stored = Apps[kind];
        var form = AppForm.From(stored);
        form.Label = "A new label";

        var saved = form.ToApp(stored);

        Assert.Equal(Json(stored with { Label = "A new label" }), Json(saved));
    }

    [Fact]
    public void Changed_fields_are_checked_and_taken_as_the_file_reads_them()
    {
        var stored = Apps["self_signed_tls_client_auth"];
        var form = AppForm.From(stored);
        form.AllowedScopes = "api  openid api";
        form.AccessTokenLifetime = "00:10:00";

        var saved = form.ToApp(stored);

        Assert.Equal(["api", "openid"], saved.AllowedScopes);
        Assert.Equal(TimeSpan.FromMinutes(10), saved.AccessToken.Lifetime);
        Assert.Equal(Json(stored with { AllowedScopes = ["api", "openid"], AccessToken = stored.AccessToken with { Lifetime = TimeSpan.FromMinutes(10) } }), Json(saved));

        form.AccessTokenLifetime = "2.00:00:00";
        var refused = Assert.Throws<ConfigException>(() => form.ToApp(stored));
        Assert.Contains("app.accessToken.lifetime must be more than zero and at most one day", refused.Problems);
    }

    [Fact]
    public void A_new_private_key_jwt_app_has_its_keys_and_no_secret()
    {
        var form = new AppForm
        {
            ClientId = "signed-app",
            AuthMethod = ClientAuthMethods.PrivateKeyJwt,
            Jwks = Jwks,
            FederatedCredentials = "https://kubernetes.default.svc.cluster.local  system:serviceaccount:shop:orders audience=token-exchange\n\n",
        };

        var app = form.ToNewApp("generated-secret-0123456789abcdef");

        Assert.False(form.CreatesSecret);
        Assert.Empty(app.SecretHashes);
        Assert.Equal(ClientAuthMethods.PrivateKeyJwt, app.TokenEndpointAuthMethod);
        Assert.Single(TokenExchange.Core.Handlers.JwksParser.SigningKeys(app.ClientAssertions!.Jwks!));
        Assert.Equal([new FederatedCredential { Issuer = "https://kubernetes.default.svc.cluster.local", Subject = "system:serviceaccount:shop:orders", Audience = "token-exchange" }],
            app.ClientAssertions.FederatedCredentials);
    }

    [Fact]
    public void A_new_secret_app_gets_its_secret()
    {
        var form = new AppForm { ClientId = "secret-app" };

        Assert.True(form.CreatesSecret);
        Assert.Single(form.ToNewApp("generated-secret-0123456789abcdef").SecretHashes);
    }

    [Fact]
    public void Editing_the_federated_credentials_changes_them_and_nothing_else()
    {
        var stored = Apps["private_key_jwt federated"];
        var form = AppForm.From(stored);
        Assert.Equal("https://kubernetes.default.svc.cluster.local system:serviceaccount:shop:orders audience=token-exchange oneTimeUse\n"
            + "https://spire.example.org spiffe://example.org/orders jwksUri=https://spire.example.org/keys", form.FederatedCredentials);
        form.FederatedCredentials = "https://kubernetes.default.svc.cluster.local system:serviceaccount:shop:payments audience=token-exchange";

        var saved = form.ToApp(stored);

        var expected = stored with
        {
            ClientAssertions = stored.ClientAssertions! with
            {
                FederatedCredentials = [new FederatedCredential { Issuer = "https://kubernetes.default.svc.cluster.local", Subject = "system:serviceaccount:shop:payments", Audience = "token-exchange" }],
            },
        };
        Assert.Equal(Json(expected), Json(saved));
    }

    [Fact]
    public void Choosing_private_key_jwt_for_a_secret_app_drops_its_secrets()
    {
        var stored = Apps["secrets"] with { RequireSecret = true };
        var form = AppForm.From(stored);
        form.AuthMethod = ClientAuthMethods.PrivateKeyJwt;
        form.JwksUri = "https://keys.example/jwks";

        var saved = form.ToApp(stored);

        Assert.Equal(ClientAuthMethods.PrivateKeyJwt, saved.TokenEndpointAuthMethod);
        Assert.Empty(saved.SecretHashes);
        Assert.Empty(saved.SecretHints);
        Assert.Equal("https://keys.example/jwks", saved.ClientAssertions!.JwksUri);
    }

    [Theory]
    [InlineData("not json", "app.jwks must be a JWKS document: {\"keys\": [ public keys ]}")]
    [InlineData("""{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c"}]}""", "app.jwks: public keys only (a key has private members)")]
    public void Keys_that_are_no_public_JWKS_are_refused(string jwks, string problem)
    {
        var form = new AppForm { ClientId = "signed-app", AuthMethod = ClientAuthMethods.PrivateKeyJwt, Jwks = jwks };

        Assert.Contains(problem, Assert.Throws<ConfigException>(() => form.ToNewApp("generated-secret-0123456789abcdef")).Problems);
    }

    [Fact]
    public void An_unknown_federated_option_is_refused()
    {
        var form = new AppForm { ClientId = "k8s-app", AuthMethod = ClientAuthMethods.PrivateKeyJwt, FederatedCredentials = "https://i.example sub color=blue" };

        Assert.Contains("federated credential 'https://i.example sub color=blue': 'color=blue' is not audience=…, jwksUri=… or oneTimeUse",
            Assert.Throws<ConfigException>(() => form.ToNewApp("generated-secret-0123456789abcdef")).Problems);
    }

    private static string Json(AppDefinition app) => System.Text.Json.JsonSerializer.Serialize(app);
}
