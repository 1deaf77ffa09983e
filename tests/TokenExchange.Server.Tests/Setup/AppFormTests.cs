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
    };

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

    private static string Json(AppDefinition app) => System.Text.Json.JsonSerializer.Serialize(app);
}
