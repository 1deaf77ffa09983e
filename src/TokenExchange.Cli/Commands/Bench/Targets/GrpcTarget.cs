using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace TokenExchange.Cli.Commands.Bench.Targets;

/// <summary>
/// The unary <c>Exchange</c> call over one channel; the channel opens more HTTP/2 connections when a
/// connection's stream limit is reached (EnableMultipleHttp2Connections), so high concurrency does not queue.
/// </summary>
public sealed class GrpcTarget(Uri address) : IExchangeTarget
{
    private readonly GrpcChannel channel = GrpcChannels.Create(address);

    public async Task<ExchangeResult> ExchangeAsync(PreparedExchange request, bool keepTokens, CancellationToken cancellationToken)
    {
        var client = new Protos.V1.TokenExchange.TokenExchangeClient(channel);
        try
        {
            var response = await client.ExchangeAsync(request.Grpc, cancellationToken: cancellationToken);
            return ExchangeResult.Ok(keepTokens ? new IssuedToken(response.AccessToken, response.ExpiresIn, NullIfEmpty(response.RefreshToken)) : null);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return GrpcChannels.Classify(e);
        }
    }

    public ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>Channel set-up and failure classification shared by the gRPC targets.</summary>
public static class GrpcChannels
{
    public static GrpcChannel Create(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            UseProxy = false,
        },
        DisposeHttpClient = true,
    });

    /// <summary>A status with the server's ErrorInfo is an OAuth refusal; any other status is a transport failure.</summary>
    public static ExchangeResult Classify(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason is { } code ? ExchangeResult.Refused(code) : ExchangeResult.Transport("grpc_" + e.StatusCode);
}
