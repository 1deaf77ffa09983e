using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>
/// A real server for the harness: its dev issuer signs with a key file the harness holds too
/// (<c>--dev-issuer-key</c>), a handler refuses to create users (the unknown-user kind), and a handler
/// trusts a separate identity provider whose RSA key is another file (key-file subjects).
/// </summary>
public sealed class BenchServerFixture : IAsyncLifetime
{
    public const string Secret = "orders-secret-0123456789abcdef";
    public const string KeyFileIssuer = "https://bench-idp.example";
    public const string KeyFileKid = "bench-rsa-1";
    public const string KeyFileAudience = "bench-exchange";

    private readonly string folder = Directory.CreateTempSubdirectory("tx-bench-test-").FullName;

    public TokenExchangeServer Server { get; private set; } = null!;

    /// <summary>The dev issuer's key (EC P-256, PKCS#8 PEM).</summary>
    public string DevIssuerKey => Path.Combine(folder, "dev-issuer.pem");

    /// <summary>The separate identity provider's key (RSA, PKCS#8 PEM).</summary>
    public string IdpKey => Path.Combine(folder, "idp.pem");

    public string Grpc => Server.GrpcAddress.ToString();
    public string Http => Server.HttpAddress.ToString();

    public async Task InitializeAsync()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(DevIssuerKey, ec.ExportPkcs8PrivateKeyPem());
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(IdpKey, rsa.ExportPkcs8PrivateKeyPem());
        var publicJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = KeyFileKid });
        var config = Path.Combine(folder, "config.yaml");
        await File.WriteAllTextAsync(config, Config(JsonSerializer.Serialize(new { kty = "RSA", kid = KeyFileKid, n = publicJwk.N, e = publicJwk.E })));
        Server = TokenExchangeServer.Create(["--config", config, "--dev-issuer-key", DevIssuerKey,
            "--http", "http://127.0.0.1:0", "--grpc", "http://127.0.0.1:0", "--silo-port", "0", "--ephemeral", "true"]);
        await Server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The options every harness run of the tests shares: the app, and dev issuer subjects.</summary>
    public string[] DevIssuerRun(string target) =>
        ["bench", "--target", target, "--server", target == "http" ? Http : Grpc, "--http-server", Http,
         "--client-id", "orders-service", "--client-secret", Secret, "--handler", "dev-idp", "--scope", "api",
         "--subject-key", DevIssuerKey, "--quiet"];

    private static string Config(string idpJwk) => $$"""
        apps:
          - clientId: orders-service
            clientSecret: {{Secret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api, openid]
            accessToken: { format: jwt, lifetime: 00:05:00 }
        handlers:
          - name: dev-idp
            devIssuer: true
            acceptedTokenTypes: [access_token, jwt]
            audiences: [token-exchange]
            algorithms: [ES256]
            apps: [ { clientId: orders-service, allowUserCreation: true } ]
          - name: dev-idp-no-create
            devIssuer: true
            acceptedTokenTypes: [access_token, jwt]
            audiences: [token-exchange]
            algorithms: [ES256]
            apps: [ { clientId: orders-service, allowUserCreation: false } ]
          - name: bench-idp
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{KeyFileIssuer}}
            jwks: { keys: [ {{idpJwk}} ] }
            audiences: [{{KeyFileAudience}}]
            algorithms: [RS256]
            apps: [ { clientId: orders-service, allowUserCreation: true } ]
        """;
}

[CollectionDefinition(Name)]
public sealed class BenchCollection : ICollectionFixture<BenchServerFixture>
{
    public const string Name = "bench";
}
