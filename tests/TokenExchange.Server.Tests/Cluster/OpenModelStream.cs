using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Cluster;

/// <summary>
/// A steady open-model stream of gRPC exchanges, as a mesh sends them: request n is due at n / rate seconds
/// after the start whether or not earlier ones have been answered, and its latency counts from when it was
/// due, so a stall shows in the latencies instead of slowing the stream. Each request goes to the silo
/// <c>route</c> picks at that moment (a load balancer); its subjects are cycled in order.
/// </summary>
public sealed class OpenModelStream : IAsyncDisposable
{
    /// <summary>
    /// One request: where it went, when it was due, how long its answer took, and the OAuth error if it failed
    /// with the status's detail (its error_description: for a cluster failure, the exception's type).
    /// </summary>
    public sealed record Outcome(string Silo, TimeSpan DueAt, TimeSpan Latency, string? Error, string Subject, string? Detail = null)
    {
        public bool Succeeded => Error is null;
    }

    private readonly ConcurrentQueue<Outcome> outcomes = new();
    private readonly ConcurrentDictionary<SiloProcess, GrpcChannel> channels = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock;
    private readonly Task pacing;
    private int outstanding;

    private OpenModelStream(Stopwatch clock, double rate, (string Subject, Protos.V1.ExchangeRequest Request)[] requests, Func<SiloProcess?> route)
    {
        this.clock = clock;
        Rate = rate;
        pacing = Task.Run(() => PaceAsync(requests, route));
    }

    public double Rate { get; }

    /// <summary>Time on the stream's clock (the same clock as <see cref="Outcome.DueAt"/>).</summary>
    public TimeSpan Now => clock.Elapsed;

    public IReadOnlyCollection<Outcome> Outcomes => outcomes;

    public static OpenModelStream Start(double rate, (string Subject, Protos.V1.ExchangeRequest Request)[] requests, Func<SiloProcess?> route) =>
        new(Stopwatch.StartNew(), rate, requests, route);

    private async Task PaceAsync((string Subject, Protos.V1.ExchangeRequest Request)[] requests, Func<SiloProcess?> route)
    {
        var period = TimeSpan.FromSeconds(1 / Rate);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var due = period * n;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var (subject, request) = requests[n % requests.Length];
            var silo = route();
            if (silo is null)
            {
                outcomes.Enqueue(new Outcome("none", due, TimeSpan.Zero, "no silo ready", subject));
                continue;
            }
            Interlocked.Increment(ref outstanding);
            _ = SendAsync(silo, request, subject, due);
        }
    }

    private async Task SendAsync(SiloProcess silo, Protos.V1.ExchangeRequest request, string subject, TimeSpan due)
    {
        string? error = null;
        string? detail = null;
        try
        {
            var channel = channels.GetOrAdd(silo, s => GrpcChannel.ForAddress(s.Grpc));
            await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request, deadline: DateTime.UtcNow.AddSeconds(15));
        }
        catch (RpcException e)
        {
            error = e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? $"grpc {e.StatusCode}: {e.Status.Detail}";
            detail = e.Status.Detail;
        }
        finally
        {
            outcomes.Enqueue(new Outcome(silo.Name, due, clock.Elapsed - due, error, subject, detail));
            Interlocked.Decrement(ref outstanding);
        }
    }

    /// <summary>Stops sending and waits (up to 15 s) for the answers still outstanding.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await pacing;
        await Poll.LastAsync(() => Task.FromResult(Volatile.Read(ref outstanding)), count => count == 0, TimeSpan.FromSeconds(15));
    }

    /// <summary>The outcomes of the requests due in [from, to).</summary>
    public Outcome[] Between(TimeSpan from, TimeSpan to) => [.. outcomes.Where(o => o.DueAt >= from && o.DueAt < to)];

    /// <summary>A percentile of the latencies, in milliseconds.</summary>
    public static double Percentile(IEnumerable<Outcome> window, double percentile)
    {
        var sorted = window.Select(o => o.Latency.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static string Describe(IReadOnlyCollection<Outcome> window) =>
        $"{window.Count} requests, {window.Count(o => !o.Succeeded)} failed" +
        $"{string.Concat(window.Where(o => !o.Succeeded).GroupBy(o => o.Error).Select(g => $" ({g.Key}: {g.Count()})"))}; " +
        $"p50 {Percentile(window, 50):F1} ms, p99 {Percentile(window, 99):F1} ms, max {Percentile(window, 100):F1} ms";

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested) await StopAsync();
        foreach (var channel in channels.Values) channel.Dispose();
        stop.Dispose();
    }
}
