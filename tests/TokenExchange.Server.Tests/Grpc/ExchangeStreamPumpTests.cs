using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using TokenExchange.Exchange;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Grpc;
using ProtoRequest = TokenExchange.Protos.V1.ExchangeRequest;

namespace TokenExchange.Server.Tests.Grpc;

/// <summary>The stream's in-flight bound, with exchanges held open until the test lets them finish.</summary>
public sealed class ExchangeStreamPumpTests
{
    [Fact]
    public async Task Stops_reading_at_the_in_flight_bound_and_answers_everything_once_exchanges_finish()
    {
        const int count = 1000;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var boundReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = 0;
        var maxInFlight = 0;
        var pump = new ExchangeStreamPump(async (request, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now == ExchangeStreamPump.MaxInFlight) boundReached.TrySetResult();
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            return ExchangeOutcome.Success(new IssuedTokens { AccessToken = request.SubjectToken, IssuedTokenType = "t", TokenType = "Bearer", ExpiresIn = 1 }, "u");
        }, tokens => new ExchangeResponse { AccessToken = tokens.AccessToken }, NullLogger.Instance);
        var reader = new Reader(count);
        var writer = new Writer();

        var run = pump.RunAsync(reader, writer, CancellationToken.None);
        await boundReached.Task;
        var readWhileBlocked = reader.Read;
        release.SetResult();
        await run;

        Assert.Equal(ExchangeStreamPump.MaxInFlight, maxInFlight);
        // One message beyond the bound may be read: it waits for a slot before its exchange starts.
        Assert.InRange(readWhileBlocked, ExchangeStreamPump.MaxInFlight, ExchangeStreamPump.MaxInFlight + 1);
        Assert.Equal(count, writer.Written.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (ulong)i), writer.Written.Select(w => w.Id).Order());
        Assert.All(writer.Written, w => Assert.Equal(w.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), w.Response.AccessToken));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class Reader(int count) : IAsyncStreamReader<ExchangeStreamRequest>
    {
        private int read;

        public int Read => Volatile.Read(ref read);

        public ExchangeStreamRequest Current { get; private set; } = null!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (read == count) return Task.FromResult(false);
            Current = new ExchangeStreamRequest { Id = (ulong)read, Request = new ProtoRequest { SubjectToken = read.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            Interlocked.Increment(ref read);
            return Task.FromResult(true);
        }
    }

    private sealed class Writer : IServerStreamWriter<ExchangeStreamResponse>
    {
        public List<ExchangeStreamResponse> Written { get; } = [];

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(ExchangeStreamResponse message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(ExchangeStreamResponse message, CancellationToken cancellationToken)
        {
            Written.Add(message);
            return Task.CompletedTask;
        }
    }
}
