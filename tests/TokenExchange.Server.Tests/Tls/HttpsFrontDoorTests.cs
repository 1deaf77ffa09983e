using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Tls;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>
/// TLS without client certificates: both front doors speak only TLS (gRPC with ALPN h2), everything the
/// server reports is https, a PFX works as well as PEM files, and a renewed certificate is served without a restart.
/// </summary>
public sealed class HttpsFrontDoorTests : IDisposable
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private readonly TestPki pki = new();
    private readonly TestIdp idp = new("https://idp.https.example");

    private string Config() => TestConfig.Create()
        .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api").Audiences("https://orders.example"))
        .JwtHandler("idp", h => h
            .Issuer(idp.Issuer)
            .InlineJwks(idp.Jwks())
            .Accepts("jwt")
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .Enable("orders-service", isDefault: true, allowUserCreation: true))
        .ToYaml();

    private Task<TokenExchangeServer> StartAsync(params string[] tls) => LoopbackServer.StartAsync(Config(), tls);

    private Task<TokenExchangeServer> StartWithPemAsync() => StartAsync("--tls-cert", pki.ServerCertificateFile, "--tls-key", pki.ServerKeyFile);

    private ExchangeRequest Request() => new()
    {
        ClientId = "orders-service",
        ClientSecret = Secret,
        SubjectToken = idp.Token("https-user"),
        SubjectTokenType = Clients.JwtType,
        Scope = { "api" },
    };

    [Fact]
    public async Task The_https_token_endpoint_issues_tokens_and_every_reported_address_is_https()
    {
        await using var server = await StartWithPemAsync();
        using var http = pki.Http(server.HttpAddress);

        Assert.Equal("https", server.HttpAddress.Scheme);
        Assert.Equal("https", server.GrpcAddress.Scheme);
        Assert.Equal(server.HttpAddress.GetLeftPart(UriPartial.Authority), server.Issuer);
        using var response = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = Clients.TokenExchangeGrant,
            ["client_id"] = "orders-service",
            ["client_secret"] = Secret,
            ["subject_token"] = idp.Token("https-user"),
            ["subject_token_type"] = Clients.JwtType,
            ["scope"] = "api",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());

        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(server.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.StartsWith("https://", discovery.GetProperty("jwks_uri").GetString());
        // Without client certificates on the listeners, mutual TLS is not offered.
        Assert.False(discovery.TryGetProperty("tls_client_certificate_bound_access_tokens", out _));
        Assert.DoesNotContain("tls_client_auth", discovery.GetProperty("token_endpoint_auth_methods_supported").ToString());

        var banner = new StringWriter();
        Banner.Print(server, banner);
        Assert.Contains(server.HttpAddress.ToString().TrimEnd('/'), banner.ToString());
        Assert.Contains("HTTP/2 over TLS", banner.ToString());
    }

    [Fact]
    public async Task Grpc_works_over_tls_and_neither_front_door_answers_in_cleartext()
    {
        await using var server = await StartWithPemAsync();
        using var channel = pki.Grpc(server.GrpcAddress);

        var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(Request());
        Assert.Equal("Bearer", response.TokenType);

        using var cleartext = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => cleartext.GetAsync(new UriBuilder(server.HttpAddress) { Scheme = "http", Path = "/healthz" }.Uri));
        using var cleartextChannel = GrpcChannel.ForAddress(new UriBuilder(server.GrpcAddress) { Scheme = "http" }.Uri);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(cleartextChannel).ExchangeAsync(Request()));
        // The client failed on its own side (a status the server sent has no DebugException): usually Unavailable, and
        // Internal when it read the TLS server's refusal as a broken HTTP/2 frame (seen on a loaded machine).
        Assert.Contains(e.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.NotNull(e.Status.DebugException);
    }

    [Fact]
    public async Task A_password_protected_pfx_works_as_the_certificate()
    {
        var pfx = Path.Combine(pki.Folder, "server.pfx");
        await File.WriteAllBytesAsync(pfx, pki.Server.Export(X509ContentType.Pkcs12, "pfx-password-123"));

        await using var server = await StartAsync("--tls-cert", pfx, "--tls-cert-password", "pfx-password-123");
        using var channel = pki.Grpc(server.GrpcAddress);

        Assert.Equal("Bearer", (await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(Request())).TokenType);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_to_new_connections_without_a_restart()
    {
        var certificate = Path.Combine(pki.Folder, "live.crt");
        var key = Path.Combine(pki.Folder, "live.key");
        File.Copy(pki.ServerCertificateFile, certificate);
        File.Copy(pki.ServerKeyFile, key);
        await using var server = await StartAsync("--tls-cert", certificate, "--tls-key", key);
        var reloader = server.Services.GetRequiredService<TlsCertificateReloader>();
        Assert.Equal(pki.Server.Thumbprint, await PresentedThumbprint(server));

        using var renewed = TestCertificates.IssueServer(pki.Ca, "CN=renewed");
        var (renewedCertificate, renewedKey) = TestCertificates.WritePem(renewed, pki.Folder);
        File.Copy(renewedKey, key, overwrite: true);
        // Half way through (the key new, the certificate old) the files do not load: the old certificate stays.
        Assert.False(reloader.ReloadIfChanged());
        Assert.Equal(pki.Server.Thumbprint, await PresentedThumbprint(server));
        File.Copy(renewedCertificate, certificate, overwrite: true);

        Assert.True(reloader.ReloadIfChanged());
        Assert.Equal(renewed.Thumbprint, await PresentedThumbprint(server));
        Assert.False(reloader.ReloadIfChanged());
    }

    private async Task<string> PresentedThumbprint(TokenExchangeServer server)
    {
        string? seen = null;
        using var http = new HttpClient(pki.Handler(seen: c => seen = c.Thumbprint));
        using var response = await http.GetAsync(new Uri(server.HttpAddress, "/healthz"));
        return seen ?? throw new InvalidOperationException("no server certificate seen");
    }

    [Fact]
    public async Task A_file_that_is_not_a_certificate_stops_start_up_with_one_message()
    {
        var garbage = Path.Combine(pki.Folder, "garbage.pem");
        await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => StartAsync("--tls-cert", garbage, "--tls-key", pki.ServerKeyFile));

        Assert.StartsWith("--tls-cert", e.Message);
    }

    public void Dispose() => pki.Dispose();
}
