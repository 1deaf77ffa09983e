using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

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
        var idpJwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = KeyFileKid, n = publicJwk.N, e = publicJwk.E } } });
        Server = await LoopbackServer.StartAsync(Config(idpJwks), "--dev-issuer-key", DevIssuerKey);
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

    private static string Config(string idpJwks) => TestConfig.Create()
        .App("orders-service", a => a.Secret(Secret).Exchange(requireSecret: true).Scopes("api", "openid").AccessToken(format: "jwt", lifetime: "00:05:00")
            .TransactionTokens(issue: true, replace: true, lifetime: "00:10:00"))
        .DevIssuerHandler("dev-idp", h => h.Accepts("access_token", "jwt").Audiences("token-exchange").Algorithms("ES256").Enable("orders-service", allowUserCreation: true))
        .DevIssuerHandler("dev-idp-no-create", h => h.Accepts("access_token", "jwt").Audiences("token-exchange").Algorithms("ES256").Enable("orders-service"))
        .JwtHandler("bench-idp", h => h
            .Accepts("access_token", "jwt")
            .Issuer(KeyFileIssuer)
            .InlineJwks(idpJwks)
            .Audiences(KeyFileAudience)
            .Algorithms("RS256")
            .Enable("orders-service", allowUserCreation: true))
        .ToYaml();
}

[CollectionDefinition(Name)]
public sealed class BenchCollection : ICollectionFixture<BenchServerFixture>
{
    public const string Name = "bench";
}
