using System.Text.Json;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// <c>txctl get</c> in every format never shows a secret: no app secret nor its hash, no admin key, an
/// introspection handler's client secret at its IdP and a custom handler's settings only masked.
/// </summary>
public sealed class SecretsInOutputTests : IAsyncLifetime
{
    private const string AdminKey = "output-admin-key-0123456789abcdef";
    private const string AppSecret = "output-app-secret-0123456789abcdef";
    private const string IdpSecret = "idp-client-secret-never-shown";
    private const string PluginKey = "plugin-api-key-never-shown";
    private static readonly string[] Secrets = [AdminKey, AppSecret, IdpSecret, PluginKey, "sha256:"];

    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("orders-service", a => a.Secret(AppSecret).Exchange())
            .App("mtls-app", a => a.TlsClientAuth(subjectDn: "CN=mtls-app, O=Example").Exchange())
            .IntrospectionHandler("opaque-idp", h => h
                .Accepts("access_token")
                .Introspection("https://idp.example/introspect", clientId: "token-exchange", clientSecret: IdpSecret)
                .Enable("orders-service"))
            .PluginHandler("partner", "Partner.Handlers.Missing, Missing", h => h
                .Accepts("access_token")
                .Setting("apiBase", "https://api.partner.example")
                .Setting("apiKey", PluginKey)
                .Enable("orders-service"))
            .Admin(key: AdminKey)
            .ToYaml());
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<string> Get(params string[] args)
    {
        var (exitCode, output, error) = await CliFixture.Run(["get", .. args, "--server", server.GrpcAddress.ToString(), "--admin-key", AdminKey]);
        Assert.True(exitCode == 0, error);
        return output;
    }

    [Theory]
    [InlineData("table")]
    [InlineData("yaml")]
    [InlineData("json")]
    public async Task No_secret_in_any_listing(string format)
    {
        foreach (var kind in new[] { "apps", "handlers" })
        {
            var output = await Get(kind, "-o", format);

            Assert.Contains(kind == "apps" ? "mtls-app" : "opaque-idp", output);
            foreach (var secret in Secrets) Assert.DoesNotContain(secret, output);
        }
    }

    [Fact]
    public async Task Credentials_and_settings_show_as_masked_and_the_rest_as_it_is()
    {
        var handlers = JsonDocument.Parse(await Get("handlers", "-o", "json")).RootElement.EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!);

        var introspection = handlers["opaque-idp"].GetProperty("introspection");
        Assert.Equal("*****", introspection.GetProperty("clientSecret").GetString());
        Assert.Equal("token-exchange", introspection.GetProperty("clientId").GetString());
        var settings = handlers["partner"].GetProperty("settings");
        Assert.Equal("*****", settings.GetProperty("apiKey").GetString());
        Assert.Equal("*****", settings.GetProperty("apiBase").GetString());

        var app = JsonDocument.Parse(await Get("app", "mtls-app", "-o", "json")).RootElement[0];
        Assert.Equal("tls_client_auth", app.GetProperty("tokenEndpointAuthMethod").GetString());
        Assert.Equal("CN=mtls-app, O=Example", app.GetProperty("tlsClientAuth").GetProperty("subjectDn").GetString());
        Assert.Equal(0, app.GetProperty("secrets").GetInt32());
    }
}
