using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// DPoP (RFC 9449) over both front doors: a proof binds the issued access token to its key (<c>cnf.jkt</c>,
/// token_type DPoP), introspection shows the binding, a refresh with a proof binds the refreshed token, an app
/// that requires DPoP is refused without a proof, and every refusal (replay, expiry, another endpoint, another
/// method, a bad typ, two proofs) is invalid_dpop_proof: HTTP 400, gRPC InvalidArgument.
/// </summary>
public sealed class DpopTests(DpopServer fixture) : IClassFixture<DpopServer>
{
    private readonly DpopKey key = new();

    private static string Jkt(string accessToken) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(new JsonWebToken(accessToken).EncodedPayload)).RootElement.GetProperty("cnf").GetProperty("jkt").GetString()!;

    /// <summary>An exchange with a proof from <paramref name="proof"/> (given the URL a good proof names) over the transport; the issued tokens, or the refusal.</summary>
    private async Task<(string? AccessToken, string? TokenType, string? RefreshToken, string? Code, string? Description, int HttpStatus, StatusCode GrpcStatus)> Exchange(
        string transport, Func<string, string>? proof, string client = "orders-service", params string[] scopes)
    {
        var request = await fixture.Request(client, scopes);
        if (transport == "http")
        {
            var (status, body) = await fixture.HttpExchange(request, proof is null ? [] : [proof(fixture.TokenEndpoint)]);
            return status == 200
                ? (body.GetProperty("access_token").GetString(), body.GetProperty("token_type").GetString(), body.TryGetProperty("refresh_token", out var r) ? r.GetString() : null, null, null, status, StatusCode.OK)
                : (null, null, null, body.GetProperty("error").GetString(), body.GetProperty("error_description").GetString(), status, StatusCode.OK);
        }
        var headers = proof is null ? new Metadata() : DpopServer.Proof(proof(fixture.GrpcUrl(GrpcMethods.Exchange)));
        try
        {
            var response = await fixture.Grpc.ExchangeAsync(request, headers);
            return (response.AccessToken, response.TokenType, response.RefreshToken, null, null, 200, StatusCode.OK);
        }
        catch (RpcException e)
        {
            return (null, null, null, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason, e.Status.Detail, 0, e.StatusCode);
        }
    }

    private static void AssertRefused((string? AccessToken, string? TokenType, string? RefreshToken, string? Code, string? Description, int HttpStatus, StatusCode GrpcStatus) answer,
        string transport, string description, string code = "invalid_dpop_proof")
    {
        Assert.Null(answer.AccessToken);
        Assert.Equal(code, answer.Code);
        Assert.Equal(description, answer.Description);
        if (transport == "http") Assert.Equal(400, answer.HttpStatus);
        else Assert.Equal(StatusCode.InvalidArgument, answer.GrpcStatus);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_binds_the_access_token_to_its_key(string transport)
    {
        var answer = await Exchange(transport, url => key.Proof(url));

        Assert.Equal("DPoP", answer.TokenType);
        Assert.Equal(key.Thumbprint, Jkt(answer.AccessToken!));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Without_a_proof_the_token_is_a_bearer_token_without_cnf(string transport)
    {
        var answer = await Exchange(transport, proof: null);

        Assert.Equal("Bearer", answer.TokenType);
        Assert.False(JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(new JsonWebToken(answer.AccessToken!).EncodedPayload)).RootElement.TryGetProperty("cnf", out _));
    }

    [Theory]
    [InlineData("orders-service")]
    [InlineData("opaque-service")]
    public async Task Introspection_answers_the_cnf_and_token_type_DPoP(string client)
    {
        var answer = await Exchange("http", url => key.Proof(url), client);

        var introspected = await fixture.Introspect(client, answer.AccessToken!);

        Assert.True(introspected.GetProperty("active").GetBoolean());
        Assert.Equal("DPoP", introspected.GetProperty("token_type").GetString());
        Assert.Equal(key.Thumbprint, introspected.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task A_bearer_token_introspects_as_Bearer()
    {
        var answer = await Exchange("http", proof: null);

        Assert.Equal("Bearer", (await fixture.Introspect("orders-service", answer.AccessToken!)).GetProperty("token_type").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_replayed_proof_is_refused(string transport)
    {
        string? proof = null;
        Assert.NotNull((await Exchange(transport, url => proof = key.Proof(url))).AccessToken);

        AssertRefused(await Exchange(transport, _ => proof!), transport, "the DPoP proof was used before (jti)");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_expired_proof_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, url => key.Proof(url, DateTimeOffset.UtcNow.AddMinutes(-5))), transport, "the DPoP proof is too old (iat)");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_from_the_future_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, url => key.Proof(url, DateTimeOffset.UtcNow.AddMinutes(5))), transport, "the DPoP proof's iat is in the future");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_for_another_endpoint_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, _ => key.Proof(fixture.Server.Issuer + "/oauth2/introspect")), transport, "the DPoP proof's htu does not name this endpoint");

    [Fact]
    public async Task A_proof_for_the_HTTP_endpoint_is_refused_over_gRPC() =>
        AssertRefused(await Exchange("grpc", _ => key.Proof(fixture.TokenEndpoint)), "grpc", "the DPoP proof's htu does not name this endpoint");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_for_another_method_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, url => key.Proof(url, htm: "GET")), transport, "the DPoP proof's htm does not name this request's method");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_of_another_typ_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, url => key.Proof(url, headers: new Dictionary<string, object?> { ["typ"] = "JWT" })), transport, "the DPoP proof's typ must be dpop+jwt");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_that_is_no_JWT_is_refused(string transport) =>
        AssertRefused(await Exchange(transport, _ => "not-a-proof"), transport, "the DPoP proof is not a JWT");

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_app_that_requires_DPoP_is_refused_without_a_proof_and_served_with_one(string transport)
    {
        AssertRefused(await Exchange(transport, proof: null, "strict-service"), transport, "a DPoP proof is required for this client");

        Assert.Equal("DPoP", (await Exchange(transport, url => key.Proof(url), "strict-service")).TokenType);
    }

    [Fact]
    public async Task Two_DPoP_headers_are_refused()
    {
        var (status, body) = await fixture.HttpExchange(await fixture.Request(), key.Proof(fixture.TokenEndpoint), key.Proof(fixture.TokenEndpoint));

        Assert.Equal(400, status);
        Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
        Assert.Equal("send exactly one DPoP header", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Two_dpop_metadata_entries_are_refused()
    {
        var request = await fixture.Request();
        var url = fixture.GrpcUrl(GrpcMethods.Exchange);

        var (status, code, message) = await DpopServer.Failure(async () => await fixture.Grpc.ExchangeAsync(request, DpopServer.Proof(key.Proof(url), key.Proof(url))));

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("invalid_dpop_proof", code);
        Assert.Equal("send exactly one DPoP proof", message);
    }

    [Fact]
    public async Task A_unary_call_with_the_proof_in_the_message_field_is_refused()
    {
        var request = await fixture.Request();
        request.Dpop = key.Proof(fixture.GrpcUrl(GrpcMethods.Exchange));

        var (status, code, message) = await DpopServer.Failure(async () => await fixture.Grpc.ExchangeAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("invalid_request", code);
        Assert.Equal("on a unary call the DPoP proof goes in the dpop metadata", message);
    }

    [Fact]
    public async Task Each_stream_message_carries_its_own_proof()
    {
        var url = fixture.GrpcUrl(GrpcMethods.ExchangeStream);
        var bound = await fixture.Request();
        bound.Dpop = key.Proof(url);
        var replayed = await fixture.Request();
        replayed.Dpop = bound.Dpop;
        var forUnary = await fixture.Request();
        forUnary.Dpop = key.Proof(fixture.GrpcUrl(GrpcMethods.Exchange));

        using var call = fixture.Grpc.ExchangeStream();
        await call.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = 1, Request = bound });
        var first = await Next(call);
        await call.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = 2, Request = replayed });
        var second = await Next(call);
        await call.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = 3, Request = forUnary });
        var third = await Next(call);
        await call.RequestStream.CompleteAsync();

        Assert.Equal("DPoP", first.Response.TokenType);
        Assert.Equal(key.Thumbprint, Jkt(first.Response.AccessToken));
        Assert.Equal(("invalid_dpop_proof", "the DPoP proof was used before (jti)", (int)StatusCode.InvalidArgument), (second.Error.Error, second.Error.ErrorDescription, second.Error.GrpcStatus));
        Assert.Equal(("invalid_dpop_proof", "the DPoP proof's htu does not name this endpoint"), (third.Error.Error, third.Error.ErrorDescription));
    }

    [Fact]
    public async Task A_stream_with_a_proof_in_its_metadata_is_refused()
    {
        using var call = fixture.Grpc.ExchangeStream(DpopServer.Proof(key.Proof(fixture.GrpcUrl(GrpcMethods.ExchangeStream))));

        var (status, code, message) = await DpopServer.Failure(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("invalid_request", code);
        Assert.Equal("on ExchangeStream each message carries its own DPoP proof in its dpop field", message);
    }

    private static async Task<ExchangeStreamResponse> Next(AsyncDuplexStreamingCall<ExchangeStreamRequest, ExchangeStreamResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext());
        return call.ResponseStream.Current;
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_refresh_with_a_proof_binds_the_refreshed_token_and_one_without_a_proof_is_refused_for_an_app_that_requires_DPoP(string transport)
    {
        var issued = await Exchange(transport, url => key.Proof(url), "strict-service", "api", "offline_access");
        Assert.NotNull(issued.RefreshToken);
        var refreshKey = new DpopKey();

        if (transport == "http")
        {
            var (refusedStatus, refused) = await fixture.HttpRefresh("strict-service", issued.RefreshToken!);
            Assert.Equal(400, refusedStatus);
            Assert.Equal("invalid_dpop_proof", refused.GetProperty("error").GetString());

            var (status, body) = await fixture.HttpRefresh("strict-service", issued.RefreshToken!, refreshKey.Proof(fixture.TokenEndpoint));
            Assert.Equal(200, status);
            Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
            Assert.Equal(refreshKey.Thumbprint, Jkt(body.GetProperty("access_token").GetString()!));
        }
        else
        {
            var request = new RefreshRequest { ClientId = "strict-service", ClientSecret = DpopServer.Secret, RefreshToken = issued.RefreshToken };
            var (status, code, _) = await DpopServer.Failure(async () => await fixture.Grpc.RefreshAsync(request));
            Assert.Equal((StatusCode.InvalidArgument, "invalid_dpop_proof"), (status, code));

            var refreshed = await fixture.Grpc.RefreshAsync(request, DpopServer.Proof(refreshKey.Proof(fixture.GrpcUrl(GrpcMethods.Refresh))));
            Assert.Equal("DPoP", refreshed.TokenType);
            Assert.Equal(refreshKey.Thumbprint, Jkt(refreshed.AccessToken));
        }
    }

    [Fact]
    public async Task Discovery_lists_the_proof_algorithms()
    {
        var discovery = await fixture.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        var algorithms = discovery.GetProperty("dpop_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()).ToArray();
        Assert.Contains("ES256", algorithms);
        Assert.Contains("PS256", algorithms);
        Assert.DoesNotContain("HS256", algorithms);
        Assert.DoesNotContain("none", algorithms);
    }
}
