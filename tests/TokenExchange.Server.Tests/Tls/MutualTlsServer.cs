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

    private string Config() => $$"""
        apps:
          - clientId: mtls-app
            tokenEndpointAuthMethod: tls_client_auth
            tlsClientAuth: { subjectDn: "{{TestPki.ClientSubject}}" }
            tokenExchange: { enabled: true }
            allowedScopes: [api, offline_access]
            allowedAudiences: [{{Audience}}]
            refreshTokens: { enabled: true }
          - clientId: san-app
            tokenEndpointAuthMethod: tls_client_auth
            tlsClientAuth: { sanDns: {{TestPki.ClientDns}} }
            tokenExchange: { enabled: true }
            allowedScopes: [api]
            allowedAudiences: [{{Audience}}]
          - clientId: self-signed-app
            tokenEndpointAuthMethod: self_signed_tls_client_auth
            tlsClientAuth: { certificateThumbprints: [{{TestCertificates.Thumbprint(Pki.SelfSigned)}}] }
            tokenExchange: { enabled: true }
            allowedScopes: [api]
            allowedAudiences: [{{Audience}}]
          - clientId: secret-app
            clientSecret: {{SecretAppSecret}}
            tokenExchange: { enabled: true, requireSecret: true }
            allowedScopes: [api]
            allowedAudiences: [{{Audience}}]
        handlers:
          - name: idp
            implementation: jwt
            acceptedTokenTypes: [access_token, jwt]
            issuer: {{Idp.Issuer}}
            jwks: {{Idp.Jwks()}}
            audiences: [token-exchange]
            algorithms: [ES256]
            userMapping: { claim: sub, attribute: federationId, linkExisting: true }
            apps:
              - { clientId: mtls-app, default: true, allowUserCreation: true }
              - { clientId: san-app, default: true, allowUserCreation: true }
              - { clientId: self-signed-app, default: true, allowUserCreation: true }
              - { clientId: secret-app, default: true, allowUserCreation: true }
        """;
}
