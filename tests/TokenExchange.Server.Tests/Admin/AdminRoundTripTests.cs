using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tests.Plugins;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Admin;

/// <summary>
/// The admin API drops nothing: every kind of app and handler, read with Get and applied back as it was shown
/// (secrets only counted or masked), is left exactly as stored; and an apply refused for its users writes no app.
/// </summary>
public sealed class AdminRoundTripTests : IAsyncLifetime
{
    private const string AdminKey = "roundtrip-admin-key-0123456789abcdef";
    private const string Thumbprint = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    private readonly PluginFolder plugins = new();
    private readonly TestIdp idp = new("https://idp.roundtrip.example");
    private TokenExchangeServer server = null!;
    private GrpcChannel channel = null!;

    private Protos.V1.Admin.AdminClient Client => new(channel);

    private static Metadata Auth => new() { { "authorization", "Bearer " + AdminKey } };

    public async Task InitializeAsync()
    {
        // Every field, with values a writer must quote to keep them strings (look-alikes of booleans and null,
        // a label with spaces and a colon, a line break): the round trip through get and apply keeps them all.
        server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("secret-app", a => a
                .Label("  Orders: spaces and a colon kept  ")
                .Kind("external_client_app")
                .Secret("first-secret-0123456789abcdef")
                .SecretHashes("sha256:" + Convert.ToBase64String(new byte[32]))
                .AuthMethod("client_secret_post")
                .Exchange(requireSecret: false)
                .Scopes("api", "api", "true", "read,write")
                .Audiences("https://orders.example", "https://billing.example")
                .AccessToken(format: "opaque", lifetime: "00:01:30.5000000", mayOutliveSubjectToken: true)
                .RefreshTokens(lifetime: "1.12:00:00")
                .RateLimits(requestsPerSecond: 200, invalidTokensPerMinute: 30))
            .App("mtls-dn", a => a.TlsClientAuth(subjectDn: "CN=orders-service, O=Example").Exchange().RateLimits(requestsPerSecond: 5, burst: 50))
            .App("mtls-san", a => a.Label("null").TlsClientAuth(sanDns: "orders.internal"))
            .App("batch-job", a => a
                .Kind("custom_kind")
                .SelfSignedTlsClientAuth(Thumbprint)
                .Exchange()
                .RateLimits(requestsPerSecond: 100, burst: 400, invalidTokensPerMinute: 10))
            .JwtHandler("jwt-uri", h => h
                .Label("Partner")
                .Description("Partner IdP\nsecond line")
                .Disabled()
                .Accepts("access_token", "id_token", "jwt")
                .Issuer("https://idp.partner.example")
                .Jwks("https://idp.partner.example/jwks.json", refreshCooldown: "00:00:42")
                .Audiences("token-exchange", "other")
                .Algorithms("ES384", "PS256")
                .ClockSkew("00:01:00")
                .MaxTokenLifetime("2.00:00:00")
                .AuthorizedParties("orders-web", "mobile")
                .Timeout("00:00:02.5000000")
                .UserMapping(claim: "preferred_username", attribute: "email", linkExisting: true)
                .VerifiedClaims("preferred_username")
                .UserAttributes(username: "preferred_username", email: "email", federationId: "oid", displayName: "name")
                .Enable("secret-app", isDefault: true, allowUserCreation: true, runAs: "integration-user")
                .Enable("batch-job"))
            .JwtHandler("jwt-inline", h => h
                .Accepts("jwt")
                .Issuer(idp.Issuer)
                .InlineJwks(idp.Jwks())
                .Audiences("token-exchange")
                .Enable("mtls-dn", isDefault: true))
            .DevIssuerHandler("dev", h => h.Accepts("jwt").Audiences("token-exchange").UserMapping(attribute: "username"))
            .IntrospectionHandler("opaque", h => h
                .Accepts("access_token")
                .Timeout("00:00:03")
                .Introspection(
                    "https://idp.example/oauth2/introspect",
                    clientId: "token-exchange",
                    clientSecret: "idp-client-secret-0123456789",
                    issuer: "https://idp.example",
                    negativeCacheFor: "00:00:07",
                    maxCacheFor: "00:02:00",
                    maxCacheEntries: 1234)
                .Enable("secret-app", allowUserCreation: true))
            .IntrospectionHandler("userinfo", h => h
                .Accepts("access_token")
                .Introspection("https://idp.example/userinfo", userinfo: true)
                .Audiences("api"))
            .PluginHandler("plugin", "TokenExchange.TestPlugins.RefusingHandler, TokenExchange.TestPlugins", h => h
                .Accepts("access_token")
                .Setting("apiBase", "https://api.partner.example")
                .Setting("apiKey", "plugin-key-never-shown")
                .Setting("empty", "")
                .Enable("mtls-san"))
            .User("u-one", u => u.Username("one@example.com").Email("one@example.com").FederationId("one-ext").DisplayName("One").Disabled())
            .Admin(key: AdminKey)
            .ToYaml(), "--plugins", plugins.Path);
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task Every_app_handler_and_user_read_with_get_and_applied_back_is_unchanged()
    {
        var document = new JsonObject
        {
            ["apps"] = await Items("app"),
            ["handlers"] = await Items("handler"),
            ["users"] = await Items("user"),
        };
        Assert.Equal(4, document["apps"]!.AsArray().Count);
        Assert.Equal(6, document["handlers"]!.AsArray().Count);

        var applied = await Client.ApplyAsync(new ApplyRequest { Document = document.ToJsonString() }, Auth);

        Assert.All(applied.Changes, c => Assert.True(c.Action == "unchanged", $"{c.Kind} {c.Name}: {c.Action}"));
        Assert.Equal(11, applied.Changes.Count);
        var after = new JsonObject { ["apps"] = await Items("app"), ["handlers"] = await Items("handler"), ["users"] = await Items("user") };
        Assert.Equal(document.ToJsonString(), after.ToJsonString());
        var output = document.ToJsonString();
        Assert.DoesNotContain("sha256:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("idp-client-secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("plugin-key-never-shown", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_masked_value_with_nothing_stored_to_keep_is_refused_with_the_reason()
    {
        // The document as txctl get shows it (secrets: 1, a masked setting): that form is under test.
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ApplyAsync(new ApplyRequest
        {
            Document = """
                apps: [ { clientId: brand-new, secrets: 1, tokenExchange: { enabled: true } } ]
                handlers: [ { name: new-plugin, implementation: "TokenExchange.TestPlugins.RefusingHandler, TokenExchange.TestPlugins", acceptedTokenTypes: [access_token], settings: { apiKey: "*****" } } ]
                """,
        }, Auth).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("app 'brand-new' has none stored", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("settings.apiKey is masked", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apply_refused_for_its_users_writes_no_app_and_changes_no_handler()
    {
        var handlersBefore = await Items("handler");

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.ApplyAsync(new ApplyRequest
        {
            Document = TestConfig.Create()
                .App("atomic-app", a => a.Secret("atomic-secret-0123456789").Exchange())
                .DevIssuerHandler("dev", h => h.Accepts("jwt").Audiences("token-exchange").UserMapping(attribute: "username").Enable("atomic-app"))
                .User("u-kelvin", u => u.Email("\u212Aate@example.com")) // KELVIN SIGN: the same email as kate's once normalized
                .User("u-kate", u => u.Email("kate@example.com"))
                .ToYaml(),
        }, Auth).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("would share one Email", refused.Status.Detail, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Kind = "app", Name = "atomic-app" }, Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(handlersBefore.ToJsonString(), (await Items("handler")).ToJsonString());
        await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Kind = "user", Name = "u-kelvin" }, Auth).ResponseAsync);
    }

    private async Task<JsonArray> Items(string kind)
    {
        var response = await Client.GetAsync(new GetRequest { Kind = kind }, Auth);
        return [.. response.Items.Select(i => JsonNode.Parse(i.Json))];
    }
}
