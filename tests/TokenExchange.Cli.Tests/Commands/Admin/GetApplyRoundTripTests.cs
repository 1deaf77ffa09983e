using System.Text.Json.Nodes;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// <c>txctl get -o yaml</c> prints a document <c>txctl apply</c> takes as it is, and applying it changes nothing
/// (secrets only counted or masked, kept as stored); so does the JSON listing wrapped as a document. An apply
/// refused for its users leaves apps and handlers as they were.
/// </summary>
public sealed class GetApplyRoundTripTests : IAsyncLifetime
{
    private const string AdminKey = "roundtrip-admin-key-0123456789abcdef";
    private readonly string config = Path.Combine(Path.GetTempPath(), $"tx-roundtrip-{Guid.NewGuid():N}.yaml");
    private readonly string file = Path.Combine(Path.GetTempPath(), $"tx-roundtrip-apply-{Guid.NewGuid():N}.yaml");
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(config, $$"""
            apps:
              - clientId: orders-service
                label: "yes"
                clientSecret: orders-secret-0123456789abcdef
                tokenExchange: { enabled: true }
                allowedScopes: [api, "123"]
                refreshTokens: { enabled: true, lifetime: "12:00:00" }
                rateLimits: { requestsPerSecond: 50 }
              - clientId: batch-job
                tokenEndpointAuthMethod: self_signed_tls_client_auth
                tlsClientAuth: { certificateThumbprints: [ AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8 ] }
                tokenExchange: { enabled: true }
                rateLimits: { requestsPerSecond: 10, burst: 20, invalidTokensPerMinute: 5 }
            handlers:
              - name: opaque-idp
                implementation: introspection
                acceptedTokenTypes: [access_token]
                introspection: { endpoint: "https://idp.example/introspect", clientId: token-exchange, clientSecret: idp-secret-never-shown, maxCacheFor: "00:01:00" }
                apps: [ { clientId: orders-service, default: true, allowUserCreation: true } ]
              - { name: dev-idp, devIssuer: true, acceptedTokenTypes: [jwt], audiences: [token-exchange], timeout: "00:00:01", apps: [ { clientId: batch-job } ] }
            users:
              - { id: u-alice, email: alice@example.com, federationId: alice-ext-1, displayName: "Alice: admin" }
            admin: { key: {{AdminKey}} }
            """);
        server = TokenExchangeServer.Create(["--config", config, "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0", "--ephemeral", "true"]);
        await server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        File.Delete(config);
        File.Delete(file);
    }

    [Theory]
    [InlineData("apps")]
    [InlineData("handlers")]
    [InlineData("users")]
    public async Task Get_as_yaml_then_apply_changes_nothing(string kind)
    {
        var (_, shown, _) = await Admin("get", kind, "-o", "yaml");
        await File.WriteAllTextAsync(file, shown);

        var (exitCode, output, error) = await Admin("apply", "-f", file);

        Assert.True(exitCode == 0, error + "\n" + shown);
        Assert.Contains("0 changes applied", output);
        Assert.Equal(shown, (await Admin("get", kind, "-o", "yaml")).Output);
    }

    [Fact]
    public async Task Get_as_json_wrapped_as_a_document_then_apply_changes_nothing()
    {
        var document = new JsonObject();
        foreach (var kind in new[] { "apps", "handlers", "users" })
            document[kind] = JsonNode.Parse((await Admin("get", kind, "-o", "json")).Output);
        await File.WriteAllTextAsync(file, document.ToJsonString());

        var (exitCode, output, error) = await Admin("apply", "-f", file);

        Assert.True(exitCode == 0, error);
        Assert.Contains("0 changes applied", output);
    }

    [Fact]
    public async Task An_apply_refused_for_its_users_leaves_apps_and_handlers_as_they_were()
    {
        var appsBefore = (await Admin("get", "apps", "-o", "json")).Output;
        var handlersBefore = (await Admin("get", "handlers", "-o", "json")).Output;
        await File.WriteAllTextAsync(file, """
            apps:
              - { clientId: orders-service, label: changed, clientSecret: orders-secret-0123456789abcdef, tokenExchange: { enabled: true } }
              - { clientId: new-app, clientSecret: new-app-secret-0123456789, tokenExchange: { enabled: true } }
            handlers:
              - { name: dev-idp, devIssuer: true, acceptedTokenTypes: [jwt], audiences: [token-exchange], apps: [ { clientId: new-app } ] }
            users:
              - { id: u-kelvin, email: "\u212Aate@example.com" }
              - { id: u-kate, email: kate@example.com }
            """);

        var (exitCode, _, error) = await Admin("apply", "-f", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("FailedPrecondition", error);
        Assert.Contains("would share one Email", error);
        Assert.Equal(appsBefore, (await Admin("get", "apps", "-o", "json")).Output);
        Assert.Equal(handlersBefore, (await Admin("get", "handlers", "-o", "json")).Output);
        Assert.Equal(1, (await Admin("get", "user", "u-kelvin")).ExitCode);
    }

    private Task<(int ExitCode, string Output, string Error)> Admin(params string[] args) =>
        CliFixture.Run([.. args, "--server", server.GrpcAddress.ToString(), "--admin-key", AdminKey]);
}
