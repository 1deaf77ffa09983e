using System.Net.Http.Headers;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests;

public interface IServerAddresses
{
    Uri Http { get; }
    Uri Grpc { get; }
}

/// <summary>The addresses of a test's own in-process server, for <see cref="Clients"/>.</summary>
public sealed class LoopbackAddresses(TokenExchangeServer server) : IServerAddresses
{
    public Uri Http => server.HttpAddress;
    public Uri Grpc => server.GrpcAddress;
}

/// <summary>Real clients of the two front doors: the generated gRPC client and a plain HTTP form post.</summary>
public sealed class Clients(IServerAddresses fixture) : IDisposable
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtType = "urn:ietf:params:oauth:token-type:jwt";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private readonly GrpcChannel channel = GrpcChannel.ForAddress(fixture.Grpc);
    private readonly HttpClient http = new() { BaseAddress = fixture.Http };

    public Protos.V1.TokenExchange.TokenExchangeClient Grpc => new(channel);
    public HttpClient Http => http;

    /// <summary>A gRPC failure as (status, OAuth error code from the ErrorInfo detail, message).</summary>
    public async Task<(StatusCode Status, string? Code, string Message)> GrpcFailure(ExchangeRequest request)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ExchangeAsync(request));
        var info = e.GetRpcStatus()?.GetDetail<ErrorInfo>();
        return (e.StatusCode, info?.Reason, e.Status.Detail);
    }

    /// <summary>Posts the form to the token endpoint; the request is given as the gRPC message for symmetry.</summary>
    public Task<HttpResponseMessage> PostToken(ExchangeRequest request, string grantType = TokenExchangeGrant, bool basic = false)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", grantType) };
        void Add(string name, string value) { if (value.Length > 0) form.Add(new(name, value)); }
        if (!basic) { Add("client_id", request.ClientId); Add("client_secret", request.ClientSecret); }
        Add("subject_token", request.SubjectToken);
        Add("subject_token_type", request.SubjectTokenType);
        Add("actor_token", request.ActorToken);
        Add("actor_token_type", request.ActorTokenType);
        Add("requested_token_type", request.RequestedTokenType);
        Add("token_handler", request.TokenHandler);
        Add("request_details", request.RequestDetails);
        Add("request_context", request.RequestContext);
        if (request.Scope.Count > 0) form.Add(new("scope", string.Join(' ', request.Scope)));
        form.AddRange(request.Audience.Select(a => new KeyValuePair<string, string>("audience", a)));
        form.AddRange(request.Resource.Select(r => new KeyValuePair<string, string>("resource", r)));
        var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        if (basic)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(request.ClientId)}:{Uri.EscapeDataString(request.ClientSecret)}"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }
        return http.SendAsync(message);
    }

    public void Dispose()
    {
        channel.Dispose();
        http.Dispose();
    }
}
