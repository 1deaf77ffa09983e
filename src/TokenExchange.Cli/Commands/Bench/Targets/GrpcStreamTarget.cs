using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Bench.Targets;

/// <summary>
/// <c>ExchangeStream</c>: several streams, each on its own channel (its own HTTP/2 connection), requests
/// handed to them in turn. Each stream pipelines: requests are written as they come, answers matched by id.
/// </summary>
public sealed class GrpcStreamTarget : IExchangeTarget
{
    private readonly PipelinedStream[] streams;
    private int turn;

    public GrpcStreamTarget(Uri address, int streamCount)
    {
        streams = new PipelinedStream[streamCount];
        for (var i = 0; i < streamCount; i++) streams[i] = new PipelinedStream(address);
    }

    public async Task<ExchangeResult> ExchangeAsync(PreparedExchange request, bool keepTokens, CancellationToken cancellationToken)
    {
        var stream = streams[(int)((uint)Interlocked.Increment(ref turn) % (uint)streams.Length)];
        ExchangeStreamResponse answer;
        try
        {
            answer = await stream.SendAsync(request.Grpc).WaitAsync(cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return GrpcChannels.Classify(e);
        }
        return answer.ResultCase == ExchangeStreamResponse.ResultOneofCase.Response
            ? ExchangeResult.Ok(keepTokens ? new IssuedToken(answer.Response.AccessToken, answer.Response.ExpiresIn, answer.Response.RefreshToken.Length == 0 ? null : answer.Response.RefreshToken) : null)
            : ExchangeResult.Refused(answer.Error?.Error ?? "no_result");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in streams) await stream.DisposeAsync();
    }

    /// <summary>One stream: a writer loop that flushes once per burst, a reader loop that completes the waiting sends.</summary>
    private sealed class PipelinedStream : IAsyncDisposable
    {
        private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

        private readonly GrpcChannel channel;
        private readonly AsyncDuplexStreamingCall<ExchangeStreamRequest, ExchangeStreamResponse> call;
        private readonly Channel<ExchangeStreamRequest> outgoing = Channel.CreateUnbounded<ExchangeStreamRequest>();
        private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ExchangeStreamResponse>> waiting = new();
        private readonly Task writing;
        private readonly Task reading;
        private long nextId;
        private volatile Exception? broken;

        public PipelinedStream(Uri address)
        {
            channel = GrpcChannels.Create(address);
            call = new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeStream();
            writing = WriteAsync();
            reading = ReadAsync();
        }

        public Task<ExchangeStreamResponse> SendAsync(ExchangeRequest request)
        {
            var id = (ulong)Interlocked.Increment(ref nextId);
            var answer = new TaskCompletionSource<ExchangeStreamResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[id] = answer;
            // A broken stream fails at once; one that breaks later fails everything still waiting (ReadAsync).
            if (broken is { } || !outgoing.Writer.TryWrite(new ExchangeStreamRequest { Id = id, Request = request }))
            {
                waiting.TryRemove(id, out _);
                answer.TrySetException(broken ?? new RpcException(new Status(StatusCode.Unavailable, "the stream is closed")));
            }
            return answer.Task;
        }

        private async Task WriteAsync()
        {
            try
            {
                await foreach (var message in outgoing.Reader.ReadAllAsync())
                {
                    call.RequestStream.WriteOptions = outgoing.Reader.Count > 0 ? Buffered : null;
                    await call.RequestStream.WriteAsync(message);
                }
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        private async Task ReadAsync()
        {
            try
            {
                await foreach (var answer in call.ResponseStream.ReadAllAsync())
                {
                    if (waiting.TryRemove(answer.Id, out var sent)) sent.TrySetResult(answer);
                }
                Fail(new RpcException(new Status(StatusCode.Unavailable, "the server ended the stream")));
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        private void Fail(Exception e)
        {
            broken ??= e as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, e.Message));
            outgoing.Writer.TryComplete();
            foreach (var id in waiting.Keys)
            {
                if (waiting.TryRemove(id, out var sent)) sent.TrySetException(broken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            outgoing.Writer.TryComplete();
            await writing;
            // The server answers what it has read, then ends the stream; the reader sees the end.
            await reading;
            call.Dispose();
            channel.Dispose();
        }
    }
}
