using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using TokenExchange.Proofs;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// DPoP server nonces (RFC 9449 section 8) over both front doors, for apps with <c>requireDpopNonce</c>: a proof
/// without the nonce, or with a stale, forged or another app's nonce, is use_dpop_nonce (HTTP 400 with a
/// <c>DPoP-Nonce</c> header; gRPC InvalidArgument with a <c>dpop-nonce</c> trailer; a stream answer's
/// <c>dpop_nonce</c>), and the retry with that nonce is served; a nonce of the previous window is accepted and the
/// answer carries the new one. The nonces' clock is the fixture's <see cref="DpopServer.NonceClock"/>.
/// </summary>
public sealed class DpopNonceTests(DpopServer fixture) : IClassFixture<DpopServer>
{
    private readonly DpopKey key = new();

    private sealed record Answer(string? AccessToken, string? TokenType, string? RefreshToken, string? Code, string? Description, int HttpStatus, StatusCode GrpcStatus, string? Nonce);

    private static Dictionary<string, object?> WithNonce(string? nonce) => new() { ["nonce"] = nonce };

    /// <summary>A proof for the URL, carrying <paramref name="nonce"/> when not null.</summary>
    private Func<string, string> Proof(string? nonce) => url => key.Proof(url, claims: nonce is null ? null : WithNonce(nonce));

    private async Task<Answer> Exchange(string transport, Func<string, string> proof, string client = "nonce-service", params string[] scopes)
    {
        var request = await fixture.Request(client, scopes);
        if (transport == "http")
        {
            List<KeyValuePair<string, string>> form =
            [
                new("grant_type", Clients.TokenExchangeGrant), new("client_id", request.ClientId), new("client_secret", request.ClientSecret),
                new("subject_token", request.SubjectToken), new("subject_token_type", request.SubjectTokenType), new("scope", string.Join(' ', request.Scope)),
            ];
            return await Post(form, proof(fixture.TokenEndpoint));
        }
        using var call = fixture.Grpc.ExchangeAsync(request, DpopServer.Proof(proof(fixture.GrpcUrl(GrpcMethods.Exchange))));
        return await Unary(call.ResponseAsync, call.GetTrailers);
    }

    private async Task<Answer> Refresh(string transport, string client, string refreshToken, Func<string, string> proof)
    {
        if (transport == "http")
            return await Post([new("grant_type", "refresh_token"), new("client_id", client), new("client_secret", DpopServer.Secret), new("refresh_token", refreshToken)], proof(fixture.TokenEndpoint));
        var request = new RefreshRequest { ClientId = client, ClientSecret = DpopServer.Secret, RefreshToken = refreshToken };
        using var call = fixture.Grpc.RefreshAsync(request, DpopServer.Proof(proof(fixture.GrpcUrl(GrpcMethods.Refresh))));
        return await Unary(call.ResponseAsync, call.GetTrailers);
    }

    private async Task<Answer> Post(List<KeyValuePair<string, string>> form, string proof)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        message.Headers.TryAddWithoutValidation("DPoP", proof);
        using var response = await fixture.Http.SendAsync(message);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var nonce = response.Headers.TryGetValues("DPoP-Nonce", out var values) ? Assert.Single(values) : null;
        var status = (int)response.StatusCode;
        return status == 200
            ? new(body.GetProperty("access_token").GetString(), body.GetProperty("token_type").GetString(), body.TryGetProperty("refresh_token", out var r) ? r.GetString() : null, null, null, status, StatusCode.OK, nonce)
            : new(null, null, null, body.GetProperty("error").GetString(), body.GetProperty("error_description").GetString(), status, StatusCode.OK, nonce);
    }

    /// <summary>A unary call's answer; its nonce from the trailers, where a failed call's metadata is too.</summary>
    private static async Task<Answer> Unary(Task<ExchangeResponse> response, Func<Metadata> trailers)
    {
        try
        {
            var answer = await response;
            return new(answer.AccessToken, answer.TokenType, answer.RefreshToken, null, null, 200, StatusCode.OK, trailers().GetValue(GrpcNonceKey));
        }
        catch (RpcException e)
        {
            return new(null, null, null, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason, e.Status.Detail, 0, e.StatusCode, e.Trailers.GetValue(GrpcNonceKey));
        }
    }

    private const string GrpcNonceKey = "dpop-nonce";

    private static void AssertUseNonce(Answer answer, string transport, string description)
    {
        Assert.Null(answer.AccessToken);
        Assert.Equal("use_dpop_nonce", answer.Code);
        Assert.Equal(description, answer.Description);
        if (transport == "http") Assert.Equal(400, answer.HttpStatus);
        else Assert.Equal(StatusCode.InvalidArgument, answer.GrpcStatus);
        Assert.Equal(DpopNonces.Length, answer.Nonce?.Length);
    }

    /// <summary>The app's current nonce, as a client learns it: from a refusal.</summary>
    private async Task<string> CurrentNonce(string transport, string client = "nonce-service") => (await Exchange(transport, Proof(null), client)).Nonce!;

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_without_the_nonce_is_told_to_use_one_and_the_retry_with_it_is_served(string transport)
    {
        var refused = await Exchange(transport, Proof(null));
        AssertUseNonce(refused, transport, DpopProofValidator.NonceMissing);

        var retried = await Exchange(transport, Proof(refused.Nonce));

        Assert.Equal("DPoP", retried.TokenType);
        Assert.NotNull(retried.AccessToken);
        // The nonce is current: nothing new to learn.
        Assert.Null(retried.Nonce);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_stale_nonce_is_told_to_use_the_new_one(string transport)
    {
        var old = await CurrentNonce(transport);
        fixture.NonceClock.Advance(2 * DpopNonces.Window);

        var refused = await Exchange(transport, Proof(old));

        AssertUseNonce(refused, transport, DpopProofValidator.NonceStale);
        Assert.NotEqual(old, refused.Nonce);
        Assert.NotNull((await Exchange(transport, Proof(refused.Nonce))).AccessToken);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_nonce_of_the_previous_window_is_accepted_and_the_answer_carries_the_next(string transport)
    {
        var previous = await CurrentNonce(transport);
        fixture.NonceClock.Advance(DpopNonces.Window);

        var served = await Exchange(transport, Proof(previous));

        Assert.Equal("DPoP", served.TokenType);
        Assert.Equal(DpopNonces.Length, served.Nonce?.Length);
        Assert.NotEqual(previous, served.Nonce);
        Assert.Null((await Exchange(transport, Proof(served.Nonce))).Nonce);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_forged_nonce_is_refused(string transport) =>
        AssertUseNonce(await Exchange(transport, Proof(new string('A', DpopNonces.Length))), transport, DpopProofValidator.NonceInvalid);

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Another_apps_nonce_is_refused(string transport) =>
        AssertUseNonce(await Exchange(transport, Proof(await CurrentNonce(transport, "nonce-other"))), transport, DpopProofValidator.NonceInvalid);

    [Fact]
    public async Task A_nonce_learnt_over_one_transport_is_good_over_the_other() =>
        Assert.Equal("DPoP", (await Exchange("grpc", Proof(await CurrentNonce("http")))).TokenType);

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_app_that_requires_no_nonce_gets_none(string transport)
    {
        var served = await Exchange(transport, Proof(null), "orders-service");

        Assert.Equal("DPoP", served.TokenType);
        Assert.Null(served.Nonce);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_refresh_needs_the_nonce_too(string transport)
    {
        var issued = await Exchange(transport, Proof(await CurrentNonce(transport)), "nonce-service", "api", "offline_access");
        Assert.NotNull(issued.RefreshToken);

        var refused = await Refresh(transport, "nonce-service", issued.RefreshToken!, Proof(null));
        AssertUseNonce(refused, transport, DpopProofValidator.NonceMissing);

        var refreshed = await Refresh(transport, "nonce-service", issued.RefreshToken!, Proof(refused.Nonce));
        Assert.Equal("DPoP", refreshed.TokenType);
        Assert.Null(refreshed.Nonce);
    }

    [Fact]
    public async Task On_a_stream_each_answer_carries_the_nonce_to_use()
    {
        var url = fixture.GrpcUrl(GrpcMethods.ExchangeStream);
        using var call = fixture.Grpc.ExchangeStream();

        var refused = await Send(call, 1, null);
        var served = await Send(call, 2, refused.DpopNonce);
        fixture.NonceClock.Advance(DpopNonces.Window);
        var rolled = await Send(call, 3, refused.DpopNonce);
        await call.RequestStream.CompleteAsync();

        Assert.Equal(("use_dpop_nonce", DpopProofValidator.NonceMissing, (int)StatusCode.InvalidArgument), (refused.Error.Error, refused.Error.ErrorDescription, refused.Error.GrpcStatus));
        Assert.Equal(DpopNonces.Length, refused.DpopNonce.Length);
        Assert.Equal("DPoP", served.Response.TokenType);
        Assert.Equal("", served.DpopNonce);
        Assert.Equal("DPoP", rolled.Response.TokenType);
        Assert.Equal(DpopNonces.Length, rolled.DpopNonce.Length);
        Assert.NotEqual(refused.DpopNonce, rolled.DpopNonce);

        async Task<ExchangeStreamResponse> Send(AsyncDuplexStreamingCall<ExchangeStreamRequest, ExchangeStreamResponse> stream, ulong id, string? nonce)
        {
            var request = await fixture.Request("nonce-service");
            request.Dpop = key.Proof(url, claims: nonce is null ? null : WithNonce(nonce));
            await stream.RequestStream.WriteAsync(new ExchangeStreamRequest { Id = id, Request = request });
            Assert.True(await stream.ResponseStream.MoveNext());
            Assert.Equal(id, stream.ResponseStream.Current.Id);
            return stream.ResponseStream.Current;
        }
    }
}
