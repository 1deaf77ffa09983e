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
        // YAML as operators write it, not TestConfig: every field in every spelling (quoted look-alikes of
        // booleans and null, a label with spaces and a colon, escapes) is what this round trip is about.
        server = await LoopbackServer.StartAsync($$"""
            apps:
              - clientId: secret-app
                label: "  Orders: spaces and a colon kept  "
                kind: external_client_app
                clientSecret: first-secret-0123456789abcdef
                clientSecretHashes: [ "sha256:{{Convert.ToBase64String(new byte[32])}}" ]
                tokenEndpointAuthMethod: client_secret_post
                tokenExchange: { enabled: true, requireSecret: false }
                allowedScopes: [api, api, "true", "read,write"]
                allowedAudiences: [https://orders.example, https://billing.example]
                accessToken: { format: opaque, lifetime: "00:01:30.5000000", mayOutliveSubjectToken: true }
                refreshTokens: { enabled: true, lifetime: "1.12:00:00" }
                rateLimits: { requestsPerSecond: 200, invalidTokensPerMinute: 30 }
              - clientId: mtls-dn
                tokenEndpointAuthMethod: tls_client_auth
                tlsClientAuth: { subjectDn: "CN=orders-service, O=Example" }
                tokenExchange: { enabled: true }
                rateLimits: { requestsPerSecond: 5, burst: 50 }
              - clientId: mtls-san
                label: "null"
                tokenEndpointAuthMethod: tls_client_auth
                tlsClientAuth: { sanDns: orders.internal }
              - clientId: batch-job
                kind: custom_kind
                tokenEndpointAuthMethod: self_signed_tls_client_auth
                tlsClientAuth: { certificateThumbprints: [ {{Thumbprint}} ] }
                tokenExchange: { enabled: true }
                rateLimits: { requestsPerSecond: 100, burst: 400, invalidTokensPerMinute: 10 }
            handlers:
              - name: jwt-uri
                label: Partner
                description: "Partner IdP\nsecond line"
                enabled: false
                acceptedTokenTypes: [access_token, id_token, jwt]
                issuer: https://idp.partner.example
                jwks: { uri: "https://idp.partner.example/jwks.json", refreshCooldown: "00:00:42" }
                audiences: [token-exchange, other]
                algorithms: [ES384, PS256]
                clockSkew: "00:01:00"
                maxTokenLifetime: "2.00:00:00"
                authorizedParties: [orders-web, mobile]
                timeout: "00:00:02.5000000"
                userMapping: { claim: preferred_username, attribute: email, linkExisting: true }
                verifiedClaims: [preferred_username]
                userAttributes: { username: preferred_username, email: email, federationId: oid, displayName: name }
                apps:
                  - { clientId: secret-app, default: true, allowUserCreation: true, runAs: integration-user }
                  - { clientId: batch-job }
              - name: jwt-inline
                acceptedTokenTypes: [jwt]
                issuer: {{idp.Issuer}}
                jwks: {{idp.Jwks()}}
                audiences: [token-exchange]
                apps: [ { clientId: mtls-dn, default: true } ]
              - { name: dev, devIssuer: true, acceptedTokenTypes: [jwt], audiences: [token-exchange], userMapping: { attribute: username } }
              - name: opaque
                implementation: introspection
                acceptedTokenTypes: [access_token]
                timeout: "00:00:03"
                introspection:
                  endpoint: https://idp.example/oauth2/introspect
                  clientId: token-exchange
                  clientSecret: idp-client-secret-0123456789
                  issuer: https://idp.example
                  negativeCacheFor: "00:00:07"
                  maxCacheFor: "00:02:00"
                  maxCacheEntries: 1234
                apps: [ { clientId: secret-app, allowUserCreation: true } ]
              - name: userinfo
                implementation: introspection
                acceptedTokenTypes: [access_token]
                introspection: { endpoint: "https://idp.example/userinfo", userinfo: true }
                audiences: [api]
              - name: plugin
                implementation: "TokenExchange.TestPlugins.RefusingHandler, TokenExchange.TestPlugins"
                acceptedTokenTypes: [access_token]
                settings: { apiBase: "https://api.partner.example", apiKey: plugin-key-never-shown, empty: "" }
                apps: [ { clientId: mtls-san } ]
            users:
              - { id: u-one, username: one@example.com, email: one@example.com, federationId: one-ext, displayName: "One", enabled: false }
            admin: { key: {{AdminKey}} }
            """, "--plugins", plugins.Path);
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
