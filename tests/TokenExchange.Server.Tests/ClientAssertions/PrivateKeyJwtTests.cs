using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;
using static TokenExchange.Server.Tests.ClientAssertions.ClientAssertionServer;

namespace TokenExchange.Server.Tests.ClientAssertions;

/// <summary>
/// <c>private_key_jwt</c> (RFC 7523 section 2.2) over both front doors: an assertion signed by the app's key, inline or
/// by JWKS URI, naming the token endpoint, the gRPC method's URL or the issuer, authenticates the app and its tokens are
/// unbound; every refusal (replay, expiry, a long lifetime, another audience, another key, HS256, none, no jti, a secret
/// beside it, an assertion for a secret app, none for an assertion app) is invalid_client with the one description of
/// failed client authentication: HTTP 401, gRPC Unauthenticated.
/// </summary>
public sealed class PrivateKeyJwtTests(ClientAssertionServer fixture) : IClassFixture<ClientAssertionServer>
{
    private const string Failed = "client authentication failed";

    private Credentials Inline(string transport, Func<string, string>? build = null) =>
        new("pkj-inline", (build ?? (aud => fixture.InlineKey.Assertion("pkj-inline", aud)))(fixture.Endpoint(transport)));

    private static void AssertRefused(Answer answer, string transport) => answer.AssertUnauthenticated(transport);

    private static JsonElement Payload(string jwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(jwt).EncodedPayload)).RootElement;

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_signed_by_the_apps_inline_key_authenticates_it_and_the_token_is_unbound(string transport)
    {
        var answer = await fixture.Exchange(transport, Inline(transport));

        Assert.Null(answer.Code);
        Assert.Equal("Bearer", answer.TokenType);
        var payload = Payload(answer.AccessToken!);
        Assert.Equal("pkj-inline", payload.GetProperty("client_id").GetString());
        Assert.False(payload.TryGetProperty("cnf", out _));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_signed_by_a_key_of_the_apps_JWKS_URI_authenticates_it(string transport)
    {
        var key = new AssertionKey(fixture.UriKeys.EcKey);

        var answer = await fixture.Exchange(transport, new("pkj-uri", key.Assertion("pkj-uri", fixture.Endpoint(transport))));

        Assert.Null(answer.Code);
        Assert.Equal("pkj-uri", Payload(answer.AccessToken!).GetProperty("client_id").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task The_issuer_is_an_audience_too(string transport)
    {
        var answer = await fixture.Exchange(transport, Inline(transport, _ => fixture.InlineKey.Assertion("pkj-inline", fixture.Server.Issuer)));

        Assert.Null(answer.Code);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Without_client_id_the_assertions_subject_names_the_app(string transport)
    {
        var answer = await fixture.Exchange(transport, Inline(transport) with { ClientId = "" });

        Assert.Equal("pkj-inline", Payload(answer.AccessToken!).GetProperty("client_id").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_replayed_assertion_is_refused(string transport)
    {
        var credentials = Inline(transport);
        Assert.Null((await fixture.Exchange(transport, credentials)).Code);

        AssertRefused(await fixture.Exchange(transport, credentials), transport);
        await fixture.AssertAudited("private_key_jwt: jti used before", credentials.Assertion);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_expired_assertion_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport, aud => fixture.InlineKey.Assertion("pkj-inline", aud, DateTimeOffset.UtcNow.AddMinutes(-3)))), transport);
        await fixture.AssertAudited("private_key_jwt: expired (exp)");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_that_lives_longer_than_five_minutes_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport, aud => fixture.InlineKey.Assertion("pkj-inline", aud, lifetime: TimeSpan.FromMinutes(6)))), transport);
        await fixture.AssertAudited("private_key_jwt: lives longer than 5 minutes");
    }

    [Theory]
    [InlineData("http", "https://elsewhere.example/oauth2/token")]
    [InlineData("grpc", "https://elsewhere.example/oauth2/token")]
    [InlineData("http", "pkj-inline")]
    public async Task An_assertion_for_another_audience_is_refused(string transport, string audience)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport, _ => fixture.InlineKey.Assertion("pkj-inline", audience))), transport);
        await fixture.AssertAudited("private_key_jwt: aud names neither");
    }

    [Fact]
    public async Task An_assertion_naming_the_HTTP_endpoint_is_refused_over_gRPC() =>
        AssertRefused(await fixture.Exchange("grpc", Inline("grpc", _ => fixture.InlineKey.Assertion("pkj-inline", fixture.TokenEndpoint))), "grpc");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_signed_by_another_key_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport, aud => new AssertionKey().Assertion("pkj-inline", aud))), transport);
        await fixture.AssertAudited("private_key_jwt: the signature does not verify with the app's keys");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_HS256_assertion_keyed_with_the_public_key_is_refused(string transport)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(fixture.InlineKey.Jwks.PadRight(64)));

        AssertRefused(await fixture.Exchange(transport, Inline(transport, aud => fixture.InlineKey.Assertion("pkj-inline", aud, signWith: new SigningCredentials(key, SecurityAlgorithms.HmacSha256)))), transport);
        await fixture.AssertAudited("alg HS256 is not an asymmetric signature algorithm");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_unsigned_assertion_is_refused(string transport)
    {
        var signed = fixture.InlineKey.Assertion("pkj-inline", fixture.Endpoint(transport));
        var unsigned = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + signed.Split('.')[1] + ".";

        AssertRefused(await fixture.Exchange(transport, new("pkj-inline", unsigned)), transport);
        await fixture.AssertAudited("alg none is not an asymmetric signature algorithm");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_without_jti_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport, aud => fixture.InlineKey.Assertion("pkj-inline", aud, claims: new Dictionary<string, object?> { ["jti"] = null }))), transport);
        await fixture.AssertAudited("private_key_jwt: a jti of at most 256 characters is required");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_of_another_type_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport) with { AssertionType = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" }), transport);
        await fixture.AssertAudited("client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_client_secret_beside_the_assertion_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, Inline(transport) with { Secret = Secret }), transport);
        await fixture.AssertAudited("client_secret presented together with a client_assertion");
    }

    [Fact]
    public async Task Basic_credentials_beside_the_assertion_are_refused()
    {
        var answer = await fixture.Exchange("http", Inline("http") with { Secret = Secret, Basic = true });

        AssertRefused(answer, "http");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_app_without_an_assertion_is_refused_even_with_a_secret(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, new Credentials("pkj-inline", null, Secret: Secret)), transport);
        await fixture.AssertAudited("client_assertion missing");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_for_a_secret_app_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, new Credentials("secret-app", new AssertionKey().Assertion("secret-app", fixture.Endpoint(transport)))), transport);
        await fixture.AssertAudited("client_assertion presented by an app that does not authenticate with one");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_assertion_for_another_app_is_refused(string transport)
    {
        AssertRefused(await fixture.Exchange(transport, new Credentials("pkj-uri", fixture.InlineKey.Assertion("pkj-inline", fixture.Endpoint(transport)))), transport);
        await fixture.AssertAudited("iss and sub name neither the client nor one of its federated credentials");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_refresh_authenticates_with_a_new_assertion(string transport)
    {
        var issued = await fixture.Exchange(transport, Inline(transport), "api", "offline_access");
        Assert.NotNull(issued.RefreshToken);

        var refreshed = await fixture.Refresh(transport, new("pkj-inline", fixture.InlineKey.Assertion("pkj-inline", fixture.Endpoint(transport, GrpcMethods.Refresh))), issued.RefreshToken!);
        var expired = await fixture.Refresh(transport, new("pkj-inline", fixture.InlineKey.Assertion("pkj-inline", fixture.Endpoint(transport, GrpcMethods.Refresh), claims: new Dictionary<string, object?> { ["exp"] = 1 })), refreshed.RefreshToken ?? "x");

        Assert.Null(refreshed.Code);
        Assert.NotNull(refreshed.AccessToken);
        AssertRefused(expired, transport);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Introspection_authenticates_with_an_assertion(string transport)
    {
        var issued = await fixture.Exchange(transport, Inline(transport));
        var introspectUrl = transport == "http" ? fixture.Server.Issuer + "/oauth2/introspect" : fixture.GrpcUrl(GrpcMethods.Introspect);

        var (body, refused) = await fixture.Introspect(transport, new("pkj-inline", fixture.InlineKey.Assertion("pkj-inline", introspectUrl)), issued.AccessToken!);
        var (_, wrongKey) = await fixture.Introspect(transport, new("pkj-inline", new AssertionKey().Assertion("pkj-inline", introspectUrl)), issued.AccessToken!);

        Assert.Null(refused);
        Assert.True(body!.Value.GetProperty("active").GetBoolean());
        AssertRefused(wrongKey!, transport);
    }

    [Fact]
    public async Task Each_message_of_a_stream_carries_its_own_assertion()
    {
        var aud = fixture.GrpcUrl(GrpcMethods.ExchangeStream);
        var good = new ExchangeRequest { SubjectToken = await fixture.SubjectToken(), SubjectTokenType = Clients.JwtType, Scope = { "api" } };
        ClientAssertionServer.Fill(good, new("pkj-inline", fixture.InlineKey.Assertion("pkj-inline", aud)));
        var replay = good.Clone();
        replay.SubjectToken = await fixture.SubjectToken();

        using var call = fixture.Grpc.ExchangeStream();
        await call.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = 1, Request = good });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var first = call.ResponseStream.Current;
        await call.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = 2, Request = replay });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var second = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync();

        Assert.NotEmpty(first.Response.AccessToken);
        Assert.Equal("invalid_client", second.Error.Error);
        Assert.Equal(Failed, second.Error.ErrorDescription);
        Assert.Equal((int)StatusCode.Unauthenticated, second.Error.GrpcStatus);
    }

    [Fact]
    public async Task Discovery_lists_private_key_jwt_and_its_algorithms()
    {
        using var answer = await fixture.Http.GetAsync("/.well-known/openid-configuration");
        var discovery = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;

        Assert.Contains("private_key_jwt", discovery.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()));
        var algorithms = discovery.GetProperty("token_endpoint_auth_signing_alg_values_supported").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("ES256", algorithms);
        Assert.Contains("RS256", algorithms);
        Assert.DoesNotContain("HS256", algorithms);
        Assert.DoesNotContain("none", algorithms);
    }

    [Fact]
    public async Task An_RSA_key_works_as_well()
    {
        // pkj-uri's JWKS also publishes the RSA key of its key holder.
        var key = new SigningCredentials(fixture.UriKeys.RsaKey, SecurityAlgorithms.RsaSsaPssSha256);

        var answer = await fixture.Exchange("http", new("pkj-uri", new AssertionKey(fixture.UriKeys.EcKey).Assertion("pkj-uri", fixture.TokenEndpoint, signWith: key)));

        Assert.Null(answer.Code);
    }
}
