using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>
/// The real server with TLS on both front doors, client certificates allowed, and the test CA as the client
/// CA bundle; apps that authenticate by CA-issued certificate (subject or DNS name), by registered
/// self-signed certificate, and by secret.
/// </summary>
public sealed class MutualTlsServer : IAsyncLifetime
{
    public const string Audience = "https://orders.example";
    public const string SecretAppSecret = "secret-app-secret-0123456789abcdef";

    public TestPki Pki { get; } = new();
    public TestIdp Idp { get; } = new("https://idp.tls.example");
    public TokenExchangeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await LoopbackServer.StartAsync(Config(), "--tls-cert", Pki.ServerCertificateFile, "--tls-key", Pki.ServerKeyFile,
            "--tls-client-certificates", "allow", "--tls-client-ca", Pki.ClientCaBundle);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Pki.Dispose();
    }

    private string Config() => TestConfig.Create()
        .App("mtls-app", a => a
            .TlsClientAuth(subjectDn: TestPki.ClientSubject)
            .Exchange()
            .Scopes("api", "offline_access")
            .Audiences(Audience)
            .RefreshTokens())
        .App("san-app", a => a.TlsClientAuth(sanDns: TestPki.ClientDns).Exchange().Scopes("api").Audiences(Audience))
        .App("self-signed-app", a => a.SelfSignedTlsClientAuth(TestCertificates.Thumbprint(Pki.SelfSigned)).Exchange().Scopes("api").Audiences(Audience))
        .App("secret-app", a => a.Secret(SecretAppSecret).Exchange(requireSecret: true).Scopes("api").Audiences(Audience))
        .JwtHandler("idp", h => h
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .InlineJwks(Idp.Jwks())
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
            .Enable("mtls-app", isDefault: true, allowUserCreation: true)
            .Enable("san-app", isDefault: true, allowUserCreation: true)
            .Enable("self-signed-app", isDefault: true, allowUserCreation: true)
            .Enable("secret-app", isDefault: true, allowUserCreation: true))
        .ToYaml();
}
