using System.Threading.Channels;
using Grpc.Core;
using TokenExchange.Exchange;
using TokenExchange.Protos.V1;

namespace TokenExchange.Server.Grpc;

/// <summary>
/// One <c>ExchangeStream</c> call: every message read starts its exchange at once, answers are written as
/// exchanges complete (so out of order), and at most <see cref="MaxInFlight"/> messages are between being
/// read and having their answer written. With that many, reading stops until an answer is written: the
/// client's writes then wait on HTTP/2 flow control, and the server's memory per stream stays bounded.
/// When the silo leaves (its drain delay is over), it stops reading, answers every message it has read, and
/// ends the call with Unavailable: the client sends what is left to another silo.
/// </summary>
public sealed class ExchangeStreamPump(
    Func<Protos.V1.ExchangeRequest, CancellationToken, ValueTask<ExchangeOutcome>> exchange,
    Func<IssuedTokens, ExchangeResponse> toProto,
    ILogger logger)
{
    public const int MaxInFlight = 256;

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly SemaphoreSlim slots = new(MaxInFlight, MaxInFlight);

    // Written by the exchanges, read by the one writer (a gRPC stream takes one write at a time). A slot is
    // freed only after its answer is written, so this never holds more than MaxInFlight answers.
    private readonly Channel<ExchangeStreamResponse> answers = Channel.CreateUnbounded<ExchangeStreamResponse>();

    // The reader counts as one until the client ends its half of the stream; the last one out completes the answers.
    private int pending = 1;

    public async Task RunAsync(IAsyncStreamReader<ExchangeStreamRequest> requests, IServerStreamWriter<ExchangeStreamResponse> responses, CancellationToken callCancelled, CancellationToken leaving = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(callCancelled);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, leaving);
        var writing = WriteAsync(responses, stop);
        var reading = ReadAsync(requests, stopReading.Token, stop.Token);
        var clientDone = await reading;
        await writing;
        if (!clientDone && leaving.IsCancellationRequested)
            throw new RpcException(new Status(StatusCode.Unavailable, "the silo is leaving the cluster; every message read was answered, send the others again"));
    }

    /// <summary>Reads until the client ends its half (true) or the silo leaves (false); exchanges run until the call ends.</summary>
    private async Task<bool> ReadAsync(IAsyncStreamReader<ExchangeStreamRequest> requests, CancellationToken reading, CancellationToken exchanging)
    {
        try
        {
            while (await requests.MoveNext(reading))
            {
                var message = requests.Current;
                await slots.WaitAsync(exchanging); // a message read is answered, even when the silo leaves meanwhile
                Interlocked.Increment(ref pending);
                _ = AnswerAsync(message, exchanging);
            }
            return true;
        }
        catch (OperationCanceledException) when (reading.IsCancellationRequested && !exchanging.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            Done();
        }
    }

    private async Task AnswerAsync(ExchangeStreamRequest message, CancellationToken cancellationToken)
    {
        try
        {
            var answer = new ExchangeStreamResponse { Id = message.Id };
            if (message.Request is null)
            {
                answer.Error = ToProto(Errors.InvalidRequest("the stream message carries no request"));
            }
            else
            {
                var outcome = await exchange(message.Request, cancellationToken);
                if (outcome.Error is { } error) answer.Error = ToProto(error);
                else answer.Response = toProto(outcome.Tokens!);
                // A stream's trailers come once, at its end: each answer carries its own DPoP nonce (docs/spec.md section 9).
                if (outcome.DpopNonce is { } nonce) answer.DpopNonce = nonce;
            }
            answers.Writer.TryWrite(answer);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream is over: there is no one left to answer.
        }
        catch (Exception e)
        {
            // The unary call would fail with Internal; on a stream only this message fails.
            logger.LogError(e, "Exchange on a stream failed unexpectedly");
            answers.Writer.TryWrite(new ExchangeStreamResponse { Id = message.Id, Error = ToProto(Errors.ServerError(e.GetType().Name)) });
        }
        finally
        {
            Done();
        }
    }

    private async Task WriteAsync(IServerStreamWriter<ExchangeStreamResponse> responses, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var answer in answers.Reader.ReadAllAsync(stop.Token))
            {
                // Flush once per burst: hold this answer in the buffer when another one is already waiting.
                responses.WriteOptions = answers.Reader.Count > 0 ? Buffered : null;
                await responses.WriteAsync(answer, stop.Token);
                slots.Release();
            }
        }
        catch
        {
            // The stream is broken: stop reading and exchanging too.
            await stop.CancelAsync();
            throw;
        }
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref pending) == 0) answers.Writer.TryComplete();
    }

    private static ExchangeError ToProto(OAuthError error) => new()
    {
        Error = error.Code,
        ErrorDescription = error.Description,
        GrpcStatus = (int)GrpcErrors.StatusFor(error.Code),
    };
}
