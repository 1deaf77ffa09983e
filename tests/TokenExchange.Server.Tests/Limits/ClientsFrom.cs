using System.Net;
using System.Net.Sockets;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Limits;

/// <summary>
/// HTTP and gRPC clients whose connections leave from a chosen loopback address (127.0.0.2, ...), so a test
/// can be two client addresses at once: the server sees that address as the caller's.
/// </summary>
public sealed class ClientsFrom : IDisposable
{
    private readonly GrpcChannel channel;

    public ClientsFrom(TokenExchangeServer server, string sourceAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        Http = new HttpClient(Handler(source)) { BaseAddress = server.HttpAddress };
        channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = Handler(source) });
        Grpc = new Protos.V1.TokenExchange.TokenExchangeClient(channel);
    }

    public HttpClient Http { get; }
    public Protos.V1.TokenExchange.TokenExchangeClient Grpc { get; }

    public Task<HttpResponseMessage> Exchange(string clientId, string secret, string subjectToken) =>
        Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = Clients.TokenExchangeGrant,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = Clients.JwtType,
        }));

    /// <summary>The gRPC exchange's status: OK, or the failure's status with its ErrorInfo reason and RetryInfo delay.</summary>
    public async Task<(StatusCode Status, string? Reason, TimeSpan? RetryDelay)> GrpcExchange(string clientId, string secret, string subjectToken)
    {
        try
        {
            await Grpc.ExchangeAsync(new ExchangeRequest { ClientId = clientId, ClientSecret = secret, SubjectToken = subjectToken, SubjectTokenType = Clients.JwtType });
            return (StatusCode.OK, null, null);
        }
        catch (RpcException e)
        {
            var status = e.GetRpcStatus();
            return (e.StatusCode, status?.GetDetail<ErrorInfo>()?.Reason, status?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan());
        }
    }

    private static SocketsHttpHandler Handler(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public void Dispose()
    {
        Http.Dispose();
        channel.Dispose();
    }
}
