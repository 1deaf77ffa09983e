using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Tls;

/// <summary>
/// RFC 8705 over the wire: apps registered for mutual TLS authenticate with their client certificate over
/// HTTPS and gRPC over TLS, are refused (invalid_client) without it or with another one, and get access
/// tokens bound to it; secret apps on the same listeners are unaffected.
/// </summary>
public sealed class MutualTlsTests(MutualTlsServer fixture) : IClassFixture<MutualTlsServer>
{
    private TestPki Pki => fixture.Pki;

    private Task<HttpResponseMessage> PostToken(string clientId, X509Certificate2? certificate, string? secret = null, string scope = "api")
    {
        var http = Pki.Http(fixture.Server.HttpAddress, certificate);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = Clients.TokenExchangeGrant,
            ["client_id"] = clientId,
            ["subject_token"] = fixture.Idp.Token("mtls-user-1"),
            ["subject_token_type"] = Clients.JwtType,
            ["scope"] = scope,
        };
        if (secret is not null) form["client_secret"] = secret;
        return http.PostAsync("/oauth2/token", new FormUrlEncodedContent(form));
    }

    private async Task<JsonWebToken> IssuedOverHttp(string clientId, X509Certificate2? certificate, string? secret = null)
    {
        using var response = await PostToken(clientId, certificate, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return new JsonWebToken(JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
    }

    private async Task<(StatusCode Status, string? Reason)> GrpcFailure(string clientId, X509Certificate2? certificate)
    {
        using var channel = Pki.Grpc(fixture.Server.GrpcAddress, certificate);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(GrpcRequest(clientId)));
        return (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    private ExchangeRequest GrpcRequest(string clientId) => new()
    {
        ClientId = clientId,
        SubjectToken = fixture.Idp.Token("mtls-user-1"),
        SubjectTokenType = Clients.JwtType,
        Scope = { "api" },
    };

    private static string? Confirmation(JsonWebToken token) =>
        token.TryGetPayloadValue<JsonElement>("cnf", out var cnf) ? cnf.GetProperty("x5t#S256").GetString() : null;

    [Fact]
    public async Task An_app_authenticates_over_https_with_its_certificate_and_gets_a_token_bound_to_it()
    {
        var token = await IssuedOverHttp("mtls-app", Pki.Client);

        Assert.Equal(TestCertificates.Thumbprint(Pki.Client), Confirmation(token));
        Assert.Equal("mtls-app", token.GetPayloadValue<string>("client_id"));
        Assert.StartsWith("https://127.0.0.1:", token.Issuer);
    }

    [Fact]
    public async Task An_app_authenticates_over_grpc_with_tls_with_its_certificate_and_gets_a_token_bound_to_it()
    {
        using var channel = Pki.Grpc(fixture.Server.GrpcAddress, Pki.Client);

        var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(GrpcRequest("mtls-app"));

        Assert.Equal(TestCertificates.Thumbprint(Pki.Client), Confirmation(new JsonWebToken(response.AccessToken)));
    }

    [Fact]
    public async Task A_registered_dns_name_authenticates_and_a_registered_self_signed_certificate_too()
    {
        Assert.Equal(TestCertificates.Thumbprint(Pki.Client), Confirmation(await IssuedOverHttp("san-app", Pki.Client)));
        Assert.Equal(TestCertificates.Thumbprint(Pki.SelfSigned), Confirmation(await IssuedOverHttp("self-signed-app", Pki.SelfSigned)));

        using var channel = Pki.Grpc(fixture.Server.GrpcAddress, Pki.SelfSigned);
        var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(GrpcRequest("self-signed-app"));
        Assert.Equal(TestCertificates.Thumbprint(Pki.SelfSigned), Confirmation(new JsonWebToken(response.AccessToken)));
    }

    public static TheoryData<string, string?> WrongCertificates() => new()
    {
        { "mtls-app", null },
        { "mtls-app", nameof(TestPki.OtherSubject) },
        { "mtls-app", nameof(TestPki.FromOtherCa) },
        { "mtls-app", nameof(TestPki.SelfSigned) },
        { "san-app", nameof(TestPki.OtherSubject) },
        { "san-app", nameof(TestPki.FromOtherCa) },
        { "self-signed-app", null },
        { "self-signed-app", nameof(TestPki.OtherSelfSigned) },
        { "self-signed-app", nameof(TestPki.Client) },
    };

    private X509Certificate2? Named(string? name) => name is null ? null : (X509Certificate2)typeof(TestPki).GetProperty(name)!.GetValue(Pki)!;

    [Theory]
    [MemberData(nameof(WrongCertificates))]
    public async Task No_certificate_another_subject_or_another_ca_is_invalid_client_over_https(string clientId, string? certificate)
    {
        using var response = await PostToken(clientId, Named(certificate));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Theory]
    [MemberData(nameof(WrongCertificates))]
    public async Task No_certificate_another_subject_or_another_ca_is_unauthenticated_over_grpc(string clientId, string? certificate)
    {
        var (status, reason) = await GrpcFailure(clientId, Named(certificate));

        Assert.Equal(StatusCode.Unauthenticated, status);
        Assert.Equal("invalid_client", reason);
    }

    [Fact]
    public async Task A_certificate_app_presenting_a_secret_is_refused()
    {
        using var response = await PostToken("mtls-app", Pki.Client, secret: "some-secret-0123456789abcdef");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Secret_apps_keep_working_with_or_without_a_certificate_and_get_unbound_tokens()
    {
        Assert.Null(Confirmation(await IssuedOverHttp("secret-app", certificate: null, MutualTlsServer.SecretAppSecret)));
        Assert.Null(Confirmation(await IssuedOverHttp("secret-app", Pki.Client, MutualTlsServer.SecretAppSecret)));
        using var refused = await PostToken("secret-app", Pki.Client);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_refresh_needs_the_certificate_and_binds_the_new_token_to_it()
    {
        using var issued = await PostToken("mtls-app", Pki.Client, scope: "api offline_access");
        var refreshToken = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;
        FormUrlEncodedContent Refresh() => new(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["client_id"] = "mtls-app", ["refresh_token"] = refreshToken });

        using var withoutCertificate = await Pki.Http(fixture.Server.HttpAddress).PostAsync("/oauth2/token", Refresh());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCertificate.StatusCode);

        using var refreshed = await Pki.Http(fixture.Server.HttpAddress, Pki.Client).PostAsync("/oauth2/token", Refresh());
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(refreshed.IsSuccessStatusCode, body.ToString());
        Assert.Equal(TestCertificates.Thumbprint(Pki.Client), Confirmation(new JsonWebToken(body.GetProperty("access_token").GetString())));
    }

    [Fact]
    public async Task The_app_introspects_with_its_certificate_and_sees_the_binding()
    {
        var token = await IssuedOverHttp("mtls-app", Pki.Client);
        var form = () => new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "mtls-app", ["token"] = token.EncodedToken });

        using var answer = await Pki.Http(fixture.Server.HttpAddress, Pki.Client).PostAsync("/oauth2/introspect", form());
        var claims = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(claims.GetProperty("active").GetBoolean());
        Assert.Equal(TestCertificates.Thumbprint(Pki.Client), claims.GetProperty("cnf").GetProperty("x5t#S256").GetString());

        using var refused = await Pki.Http(fixture.Server.HttpAddress, Pki.OtherSubject).PostAsync("/oauth2/introspect", form());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Discovery_advertises_https_mutual_tls_methods_and_bound_tokens()
    {
        using var http = Pki.Http(fixture.Server.HttpAddress);
        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.StartsWith("https://", discovery.GetProperty("issuer").GetString());
        Assert.StartsWith("https://", discovery.GetProperty("token_endpoint").GetString());
        Assert.True(discovery.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
        var methods = discovery.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("tls_client_auth", methods);
        Assert.Contains("self_signed_tls_client_auth", methods);
        Assert.Contains("client_secret_basic", methods);
    }
}
