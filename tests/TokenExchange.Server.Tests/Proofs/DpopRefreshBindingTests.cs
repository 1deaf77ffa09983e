using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Exchange.Rules;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// RFC 9449 section 5 over both front doors: refresh tokens issued to a public client (<c>public-app</c>: no secret) in
/// a request with a DPoP proof are bound to the proof's key, through every rotation; a refresh with a proof by another
/// key, or without one, is invalid_grant (HTTP 400, gRPC PermissionDenied) and spends nothing; introspected, a bound
/// refresh token answers its key's thumbprint (<c>cnf.jkt</c>, RFC 9449 section 6.2). A confidential client's
/// (<c>orders-service</c>) refresh tokens are not bound.
/// </summary>
public sealed class DpopRefreshBindingTests(DpopServer fixture) : IClassFixture<DpopServer>
{
    private readonly DpopKey key = new();

    private sealed record Answer(string? AccessToken, string? RefreshToken, string? Code, string? Description, int HttpStatus, StatusCode GrpcStatus);

    private static string? Secret(string client) => client == "public-app" ? null : DpopServer.Secret;

    private async Task<Answer> Exchange(string transport, string client, DpopKey? proofKey)
    {
        var request = await fixture.Request(client, "api", "offline_access");
        request.ClientSecret = Secret(client) ?? "";
        if (transport == "http")
        {
            List<KeyValuePair<string, string>> form =
            [
                new("grant_type", Clients.TokenExchangeGrant), new("client_id", client), new("subject_token", request.SubjectToken),
                new("subject_token_type", request.SubjectTokenType), new("scope", "api offline_access"),
            ];
            if (Secret(client) is { } secret) form.Add(new("client_secret", secret));
            return await Post(form, proofKey?.Proof(fixture.TokenEndpoint));
        }
        var metadata = proofKey is null ? new Metadata() : DpopServer.Proof(proofKey.Proof(fixture.GrpcUrl(GrpcMethods.Exchange)));
        return await Grpc(() => fixture.Grpc.ExchangeAsync(request, metadata).ResponseAsync);
    }

    private async Task<Answer> Refresh(string transport, string client, string refreshToken, DpopKey? proofKey)
    {
        if (transport == "http")
        {
            List<KeyValuePair<string, string>> form = [new("grant_type", "refresh_token"), new("client_id", client), new("refresh_token", refreshToken)];
            if (Secret(client) is { } secret) form.Add(new("client_secret", secret));
            return await Post(form, proofKey?.Proof(fixture.TokenEndpoint));
        }
        var request = new RefreshRequest { ClientId = client, ClientSecret = Secret(client) ?? "", RefreshToken = refreshToken };
        var metadata = proofKey is null ? new Metadata() : DpopServer.Proof(proofKey.Proof(fixture.GrpcUrl(GrpcMethods.Refresh)));
        return await Grpc(() => fixture.Grpc.RefreshAsync(request, metadata).ResponseAsync);
    }

    private async Task<Answer> Post(List<KeyValuePair<string, string>> form, string? proof)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        if (proof is not null) message.Headers.TryAddWithoutValidation("DPoP", proof);
        using var response = await fixture.Http.SendAsync(message);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var status = (int)response.StatusCode;
        return status == 200
            ? new(body.GetProperty("access_token").GetString(), body.TryGetProperty("refresh_token", out var r) ? r.GetString() : null, null, null, status, StatusCode.OK)
            : new(null, null, body.GetProperty("error").GetString(), body.GetProperty("error_description").GetString(), status, StatusCode.OK);
    }

    private static async Task<Answer> Grpc(Func<Task<ExchangeResponse>> call)
    {
        try
        {
            var response = await call();
            return new(response.AccessToken, response.RefreshToken is { Length: > 0 } r ? r : null, null, null, 200, StatusCode.OK);
        }
        catch (RpcException e)
        {
            return new(null, null, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason, e.Status.Detail, 0, e.StatusCode);
        }
    }

    /// <summary>The RFC 7662 answer about a token, asked by the app it was issued to (with its secret: introspection needs one).</summary>
    private async Task<JsonElement> Introspect(string transport, string client, string token)
    {
        if (transport == "http") return await fixture.Introspect(client, token);
        var answer = await fixture.Grpc.IntrospectAsync(new TokenRequest { ClientId = client, ClientSecret = DpopServer.Secret, Token = token });
        return JsonDocument.Parse(answer.Json).RootElement;
    }

    private static string? Jkt(string accessToken) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(new JsonWebToken(accessToken).EncodedPayload)).RootElement
            .TryGetProperty("cnf", out var cnf) ? cnf.GetProperty("jkt").GetString() : null;

    private static void AssertInvalidGrant(Answer answer, string transport, string description)
    {
        Assert.Null(answer.AccessToken);
        Assert.Equal("invalid_grant", answer.Code);
        Assert.Equal(description, answer.Description);
        if (transport == "http") Assert.Equal(400, answer.HttpStatus);
        else Assert.Equal(StatusCode.PermissionDenied, answer.GrpcStatus);
    }

    /// <summary>A public client's refresh token, issued with a proof by <see cref="key"/>.</summary>
    private async Task<string> BoundRefreshToken(string transport)
    {
        var issued = await Exchange(transport, "public-app", key);
        Assert.True(issued.RefreshToken is not null, issued.Description);
        return issued.RefreshToken!;
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_public_clients_bound_refresh_token_refreshes_with_a_proof_by_its_key_and_rotation_keeps_the_binding(string transport)
    {
        var first = await Refresh(transport, "public-app", await BoundRefreshToken(transport), key);
        Assert.Equal(key.Thumbprint, Jkt(first.AccessToken!));

        var rotated = first.RefreshToken!;
        AssertInvalidGrant(await Refresh(transport, "public-app", rotated, new DpopKey()), transport, DpopRefreshBinding.OtherKey);
        AssertInvalidGrant(await Refresh(transport, "public-app", rotated, proofKey: null), transport, DpopRefreshBinding.ProofMissing);

        // The refusals spent nothing: the rotated token is still current for its key.
        var second = await Refresh(transport, "public-app", rotated, key);
        Assert.Equal(key.Thumbprint, Jkt(second.AccessToken!));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_proof_by_another_key_is_refused(string transport) =>
        AssertInvalidGrant(await Refresh(transport, "public-app", await BoundRefreshToken(transport), new DpopKey()), transport, DpopRefreshBinding.OtherKey);

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task No_proof_is_refused(string transport) =>
        AssertInvalidGrant(await Refresh(transport, "public-app", await BoundRefreshToken(transport), proofKey: null), transport, DpopRefreshBinding.ProofMissing);

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_public_clients_refresh_token_issued_without_a_proof_is_unbound(string transport)
    {
        var issued = await Exchange(transport, "public-app", proofKey: null);

        var refreshed = await Refresh(transport, "public-app", issued.RefreshToken!, proofKey: null);

        Assert.NotNull(refreshed.AccessToken);
        Assert.Null(Jkt(refreshed.AccessToken!));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_confidential_clients_refresh_token_is_not_bound(string transport)
    {
        var issued = await Exchange(transport, "orders-service", key);
        Assert.Equal(key.Thumbprint, Jkt(issued.AccessToken!));

        var withoutProof = await Refresh(transport, "orders-service", issued.RefreshToken!, proofKey: null);
        var otherKey = new DpopKey();
        var withOtherKey = await Refresh(transport, "orders-service", withoutProof.RefreshToken!, otherKey);

        Assert.Null(Jkt(withoutProof.AccessToken!));
        Assert.Equal(otherKey.Thumbprint, Jkt(withOtherKey.AccessToken!));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_bound_refresh_token_introspects_with_its_keys_thumbprint_and_through_its_rotation(string transport)
    {
        var bound = await BoundRefreshToken(transport);
        var rotated = (await Refresh(transport, "public-app", bound, key)).RefreshToken!;

        var issued = await Introspect(transport, "public-app", bound);
        var current = await Introspect(transport, "public-app", rotated);

        // The spent token is no longer active, so it carries nothing at all; the current one carries the family's key.
        Assert.Equal("""{"active":false}""", issued.GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.True(current.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", current.GetProperty("token_type").GetString());
        Assert.Equal(key.Thumbprint, current.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task Unbound_refresh_tokens_introspect_without_cnf(string transport)
    {
        var publicWithoutProof = (await Exchange(transport, "public-app", proofKey: null)).RefreshToken!;
        var confidentialWithProof = (await Exchange(transport, "orders-service", key)).RefreshToken!;

        var ofPublic = await Introspect(transport, "public-app", publicWithoutProof);
        var ofConfidential = await Introspect(transport, "orders-service", confidentialWithProof);

        Assert.True(ofPublic.GetProperty("active").GetBoolean());
        Assert.False(ofPublic.TryGetProperty("cnf", out _));
        Assert.True(ofConfidential.GetProperty("active").GetBoolean());
        Assert.False(ofConfidential.TryGetProperty("cnf", out _));
    }
}
