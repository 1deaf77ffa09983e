using System.Net.Http.Json;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// One server for the DPoP tests: apps that may (<c>orders-service</c>, with refresh tokens; <c>opaque-service</c>)
/// and must (<c>strict-service</c>) send a DPoP proof, apps whose proofs must carry the server's nonce
/// (<c>nonce-service</c>, <c>nonce-other</c>; the nonces' clock is <see cref="NonceClock"/>), a public client
/// (<c>public-app</c>, no secret required, refresh tokens; its secret is for introspection, which needs one), subject tokens from the dev issuer, and both transports'
/// requests with a proof as each carries it (the <c>DPoP</c> header; the <c>dpop</c> metadata or stream field).
/// Each test class gets a server of its own (a class fixture), so moving the nonce clock reaches no other class.
/// </summary>
public sealed class DpopServer : IAsyncLifetime
{
    public const string Secret = "dpop-secret-0123456789abcdef";

    private GrpcChannel channel = null!;

    public TokenExchangeServer Server { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The clock of the server's DPoP nonces alone (proofs' iat and tokens keep the system clock).</summary>
    public FakeTimeProvider NonceClock { get; } = new(DateTimeOffset.UtcNow);
    public Protos.V1.TokenExchange.TokenExchangeClient Grpc => new(channel);

    /// <summary>The token endpoint's URL as a proof names it.</summary>
    public string TokenEndpoint => Server.Issuer + "/oauth2/token";

    public async Task InitializeAsync()
    {
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens())
            .App("opaque-service", a => a.Secret(Secret).Exchange().Scopes("api").AccessToken(format: "opaque"))
            .App("strict-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens().RequireDpop())
            .App("nonce-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens().RequireDpop().RequireDpopNonce())
            .App("nonce-other", a => a.Secret(Secret).Exchange().Scopes("api").RequireDpopNonce())
            .App("public-app", a => a.Secret(Secret).Exchange(requireSecret: false).Scopes("api", "offline_access").RefreshTokens())
            .DevIssuerHandler("dev-idp", h => h
                .Accepts("jwt")
                .Audiences("token-exchange")
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("opaque-service", isDefault: true, allowUserCreation: true)
                .Enable("strict-service", isDefault: true, allowUserCreation: true)
                .Enable("nonce-service", isDefault: true, allowUserCreation: true)
                .Enable("nonce-other", isDefault: true, allowUserCreation: true)
                .Enable("public-app", isDefault: true, allowUserCreation: true))
            .ToYaml();
        Server = await LoopbackServer.StartAsync(config, builder => builder.Services.AddKeyedSingleton<TimeProvider>(TokenExchange.Proofs.DpopNonces.ClockKey, NonceClock));
        channel = GrpcChannel.ForAddress(Server.GrpcAddress);
        Http = new HttpClient { BaseAddress = Server.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        channel.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>The URL a gRPC method's proof names (docs/spec.md, "DPoP").</summary>
    public string GrpcUrl(string method) => Server.Issuer + method;

    public async Task<string> SubjectToken()
    {
        using var minted = await Http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "dpop-" + Guid.NewGuid().ToString("N")[..8])]));
        return (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public async Task<ExchangeRequest> Request(string client = "orders-service", params string[] scopes) => new()
    {
        ClientId = client,
        ClientSecret = Secret,
        SubjectToken = await SubjectToken(),
        SubjectTokenType = Clients.JwtType,
        Scope = { scopes.Length == 0 ? ["api"] : scopes },
    };

    /// <summary>An exchange over HTTP with the given DPoP headers (none, one, or several).</summary>
    public async Task<(int Status, JsonElement Body)> HttpExchange(ExchangeRequest request, params string[] dpop)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", Clients.TokenExchangeGrant), new("client_id", request.ClientId), new("client_secret", request.ClientSecret),
            new("subject_token", request.SubjectToken), new("subject_token_type", request.SubjectTokenType), new("scope", string.Join(' ', request.Scope)),
        };
        return await Post(form, dpop);
    }

    public async Task<(int Status, JsonElement Body)> HttpRefresh(string client, string refreshToken, params string[] dpop) =>
        await Post([new("grant_type", "refresh_token"), new("client_id", client), new("client_secret", Secret), new("refresh_token", refreshToken)], dpop);

    private async Task<(int Status, JsonElement Body)> Post(List<KeyValuePair<string, string>> form, string[] dpop)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        foreach (var proof in dpop) message.Headers.TryAddWithoutValidation("DPoP", proof);
        using var response = await Http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static Metadata Proof(params string[] dpop)
    {
        var metadata = new Metadata();
        foreach (var proof in dpop) metadata.Add("dpop", proof);
        return metadata;
    }

    /// <summary>A gRPC failure as (status, OAuth error code from the ErrorInfo detail, message).</summary>
    public static async Task<(StatusCode Status, string? Code, string Message)> Failure(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        return (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason, e.Status.Detail);
    }

    /// <summary>The RFC 7662 answer over HTTP.</summary>
    public async Task<JsonElement> Introspect(string client, string token)
    {
        using var answer = await Http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent([new("client_id", client), new("client_secret", Secret), new("token", token)]));
        Assert.True(answer.IsSuccessStatusCode, answer.StatusCode.ToString());
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }
}
