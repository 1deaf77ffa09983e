using System.Text.Json.Nodes;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// <c>txctl get -o yaml</c> prints a document <c>txctl apply</c> takes as it is, and applying it changes nothing
/// (secrets only counted or masked, kept as stored); so does the JSON listing wrapped as a document. An apply
/// refused for its users leaves apps and handlers as they were.
/// </summary>
public sealed class GetApplyRoundTripTests : IAsyncLifetime
{
    private const string AdminKey = "roundtrip-admin-key-0123456789abcdef";
    private readonly string file = Path.Combine(Path.GetTempPath(), $"tx-roundtrip-apply-{Guid.NewGuid():N}.yaml");
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        // Values a YAML writer must quote to keep them strings ("yes", "123", a colon) are in the round trip.
        server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("orders-service", a => a
                .Label("yes")
                .Secret("orders-secret-0123456789abcdef")
                .Exchange()
                .Scopes("api", "123")
                .RefreshTokens(lifetime: "12:00:00")
                .RateLimits(requestsPerSecond: 50))
            .App("batch-job", a => a
                .SelfSignedTlsClientAuth("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
                .Exchange()
                .RateLimits(requestsPerSecond: 10, burst: 20, invalidTokensPerMinute: 5))
            // Client assertions (private_key_jwt): inline public keys, and federated workload identities.
            .App("signed-job", a => a
                .PrivateKeyJwt(jwksJson: """{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}""")
                .Exchange())
            .App("k8s-job", a => a
                .FederatedCredential("https://kubernetes.default.svc.cluster.local", "system:serviceaccount:jobs:batch", audience: "token-exchange", oneTimeUse: true)
                .FederatedCredential("https://spire.example.org", "spiffe://example.org/jobs/batch", jwksUri: "https://spire.example.org/keys")
                .Exchange())
            .IntrospectionHandler("opaque-idp", h => h
                .Accepts("access_token")
                .Introspection("https://idp.example/introspect", clientId: "token-exchange", clientSecret: "idp-secret-never-shown", maxCacheFor: "00:01:00")
                .Enable("orders-service", isDefault: true, allowUserCreation: true))
            .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Timeout("00:00:01").Enable("batch-job"))
            .User("u-alice", u => u.Email("alice@example.com").FederationId("alice-ext-1").DisplayName("Alice: admin"))
            .Admin(key: AdminKey)
            .ToYaml());
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
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
        if (kind == "apps")
        {
            Assert.Contains("private_key_jwt", shown);
            Assert.Contains("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", shown);
            Assert.Contains("system:serviceaccount:jobs:batch", shown);
            Assert.Contains("spiffe://example.org/jobs/batch", shown);
        }
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
        await File.WriteAllTextAsync(file, TestConfig.Create()
            .App("orders-service", a => a.Label("changed").Secret("orders-secret-0123456789abcdef").Exchange())
            .App("new-app", a => a.Secret("new-app-secret-0123456789").Exchange())
            .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Enable("new-app"))
            .User("u-kelvin", u => u.Email("\u212Aate@example.com")) // KELVIN SIGN: the same email as kate's once normalized
            .User("u-kate", u => u.Email("kate@example.com"))
            .ToYaml());

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
