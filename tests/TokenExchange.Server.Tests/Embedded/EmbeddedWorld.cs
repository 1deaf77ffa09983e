using Duende.IdentityModel.Client;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>
/// What the embedded tests share: a test IdP whose JWKS a loopback listener serves (it outlives every server
/// restart), a configuration file with two handlers, a refresh-token app, an opaque-token app and a
/// resource server, and a fresh data folder per test.
/// </summary>
public sealed class EmbeddedWorld : IAsyncDisposable
{
    public const string Secret = "orders-secret-0123456789abcdef";
    public const string ResourceSecret = "resource-secret-0123456789";
    public const string AdminKey = "embedded-admin-key-0123456789abcdef";

    private EmbeddedWorld(JwksServer jwks, TestIdp idp, string folder)
    {
        Jwks = jwks;
        Idp = idp;
        Folder = folder;
    }

    public JwksServer Jwks { get; }
    public TestIdp Idp { get; }

    /// <summary>A temporary folder of this test: the configuration file, and the data folder below it.</summary>
    public string Folder { get; }
    public string ConfigPath => Path.Combine(Folder, "config.yaml");
    public string DataPath => Path.Combine(Folder, "data");
    public string DatabasePath => Path.Combine(DataPath, "token-exchange.db");
    public string KeyFilePath => Path.Combine(DataPath, "key-encryption-key");

    public static async Task<EmbeddedWorld> CreateAsync()
    {
        var idp = new TestIdp("https://idp.embedded.test");
        var jwks = await JwksServer.StartAsync(idp);
        var folder = Directory.CreateTempSubdirectory("tx-embedded-").FullName;
        var world = new EmbeddedWorld(jwks, idp, folder);
        await File.WriteAllTextAsync(world.ConfigPath, TestConfig.Create()
            .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens())
            .App("opaque-service", a => a.Secret(Secret).Exchange().Scopes("api").AccessToken(format: "opaque"))
            .App("resource-api", a => a.Secret(ResourceSecret).Exchange(enabled: false).Introspects("opaque-service"))
            .JwtHandler("partner", h => h
                .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("opaque-service", isDefault: true, allowUserCreation: true))
            .JwtHandler("secondary", h => h
                .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
                .Enable("orders-service", allowUserCreation: true))
            .Admin(key: AdminKey)
            .ToYaml());
        return world;
    }

    /// <summary>A server on this world's configuration and data folder (the durable default, with --data).</summary>
    public ServerProcessRun Server(params string[] extra) => new(["--config", ConfigPath, "--data", DataPath, .. extra]);

    public Protos.V1.ExchangeRequest Request(string subject, string clientId = "orders-service", string handler = "", params string[] scopes)
    {
        var request = new Protos.V1.ExchangeRequest
        {
            ClientId = clientId,
            ClientSecret = Secret,
            SubjectToken = Idp.Token(subject, expiresIn: TimeSpan.FromHours(1)),
            SubjectTokenType = Clients.JwtType,
            TokenHandler = handler,
        };
        request.Scope.Add(scopes.Length == 0 ? ["api"] : scopes);
        return request;
    }

    public static async Task<Protos.V1.ExchangeResponse> ExchangeAsync(ServerProcessRun server, Protos.V1.ExchangeRequest request)
    {
        using var channel = GrpcChannel.ForAddress(server.Grpc);
        return await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request, deadline: DateTime.UtcNow.AddSeconds(20));
    }

    public static async Task<T> AdminAsync<T>(ServerProcessRun server, Func<Protos.V1.Admin.AdminClient, Metadata, Task<T>> call)
    {
        using var channel = GrpcChannel.ForAddress(server.Grpc);
        return await call(new Protos.V1.Admin.AdminClient(channel), new Metadata { { "authorization", "Bearer " + AdminKey } });
    }

    public static async Task<TokenResponse> RefreshAsync(ServerProcessRun server, string refreshToken)
    {
        using var http = new HttpClient();
        return await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = new Uri(server.Http, "/oauth2/token").ToString(),
            ClientId = "orders-service",
            ClientSecret = Secret,
            RefreshToken = refreshToken,
        });
    }

    public static async Task<TokenIntrospectionResponse> IntrospectAsync(ServerProcessRun server, string token)
    {
        using var http = new HttpClient();
        return await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = new Uri(server.Http, "/oauth2/introspect").ToString(),
            ClientId = "resource-api",
            ClientSecret = ResourceSecret,
            Token = token,
        });
    }

    public static async Task<IReadOnlyList<string>> JwksKeyIdsAsync(ServerProcessRun server)
    {
        using var http = new HttpClient();
        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await http.GetStringAsync(new Uri(server.Http, "/oauth2/jwks")));
        return [.. jwks.Keys.Select(k => k.Kid)];
    }

    public async ValueTask DisposeAsync()
    {
        await Jwks.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
