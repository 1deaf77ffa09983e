using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Tests.Adversarial;

public enum Transport { Http, Grpc }

/// <summary>
/// One exchange request over either front door, with the outcome in one shape: the tests say once what
/// must happen and run it over both HTTP (status + OAuth JSON) and gRPC (status + ErrorInfo reason).
/// </summary>
public sealed class Wire(IServerAddresses server) : IDisposable
{
    private readonly Clients clients = new(server);

    public static TheoryData<Transport> Both => [Transport.Http, Transport.Grpc];

    public Clients Clients => clients;

    /// <summary>Sends the request, asserts it is refused with <paramref name="code"/> and that code's HTTP and gRPC status, and returns the description.</summary>
    public async Task<string> Refused(Transport transport, ExchangeRequest request, string code)
    {
        string description;
        if (transport == Transport.Grpc)
        {
            var (status, reason, message) = await clients.GrpcFailure(request);
            Assert.Equal((code, GrpcStatus(code)), (reason, status));
            description = message;
        }
        else
        {
            using var response = await clients.PostToken(request);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((code, HttpStatus(code)), (body.GetProperty("error").GetString(), (int)response.StatusCode));
            description = body.GetProperty("error_description").GetString()!;
        }
        Assert.False(string.IsNullOrWhiteSpace(description));
        Assert.DoesNotContain(request.SubjectToken, description);
        return description;
    }

    /// <summary>Sends the request and asserts it succeeds.</summary>
    public async Task<ExchangeResponse> Exchanged(Transport transport, ExchangeRequest request)
    {
        if (transport == Transport.Grpc) return await clients.Grpc.ExchangeAsync(request);
        using var response = await clients.PostToken(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var body = JsonDocument.Parse(text).RootElement;
        return new ExchangeResponse
        {
            AccessToken = body.GetProperty("access_token").GetString(),
            IssuedTokenType = body.GetProperty("issued_token_type").GetString(),
            RefreshToken = body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : "",
            IdToken = body.TryGetProperty("id_token", out var id) ? id.GetString() : "",
        };
    }

    public static int HttpStatus(string code) => code switch
    {
        "invalid_client" => 401,
        "temporarily_unavailable" => 503,
        "server_error" => 500,
        _ => 400,
    };

    public static StatusCode GrpcStatus(string code) => code switch
    {
        "invalid_client" => StatusCode.Unauthenticated,
        "unauthorized_client" or "invalid_grant" => StatusCode.PermissionDenied,
        "temporarily_unavailable" => StatusCode.Unavailable,
        "server_error" => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };

    public void Dispose() => clients.Dispose();
}
