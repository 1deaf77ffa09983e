using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;
using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting.Listeners;
using TokenExchange.Server.Observability;
using TokenExchange.Server.Tls;

namespace TokenExchange.Server.Warmup;

/// <summary>One round of calls through the silo's own front doors (a seam: tests count them).</summary>
public interface IFrontDoorExercise : IAsyncDisposable
{
    Task CallAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The front doors' own machinery, warmed over loopback (issue 15, warm start): an HTTP/1.1 liveness request on
/// the HTTP door and a gRPC liveness check on the gRPC door run the code every request runs there (Kestrel's
/// connections and parsing, routing, gRPC's unary call handling, protobuf), which the in-memory exchange cannot
/// reach; and, once, a scrape of the metrics endpoint. None is a token operation: nothing is authenticated, charged
/// to a rate limit, audited or stored. Over TLS it trusts exactly the certificate this silo presents.
/// </summary>
internal sealed class LoopbackFrontDoorExercise(FrontDoorListeners listeners, ServerCertificateStore? certificate) : IFrontDoorExercise
{
    private HttpClient? http;
    private GrpcChannel? channel;
    private global::Grpc.Health.V1.Health.HealthClient? health;
    // Never disposed: a round may still be inside OpenAsync when the host stops, and without a wait handle it holds nothing.
    private readonly SemaphoreSlim opening = new(1, 1);

    public async Task CallAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref health) is null) await OpenAsync(cancellationToken);
        using var live = await http!.GetAsync(HealthEndpoints.LivePath, cancellationToken);
        live.EnsureSuccessStatusCode();
        var answer = await health!.CheckAsync(new HealthCheckRequest { Service = HealthEndpoints.GrpcLivenessService }, cancellationToken: cancellationToken);
        if (answer.Status != HealthCheckResponse.Types.ServingStatus.Serving) throw new InvalidOperationException($"gRPC liveness answered {answer.Status}");
    }

    /// <summary>
    /// The clients, once (a warm-up's first batch calls from all its rounds at once), published only when made, so a
    /// round that fails here leaves the next to make them afresh and nothing undisposed.
    /// </summary>
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        await opening.WaitAsync(cancellationToken);
        try
        {
            if (health is not null) return;
            var client = new HttpClient(Handler(), disposeHandler: true) { BaseAddress = Loopback(listeners.HttpAddress) };
            try
            {
                await ScrapeMetricsAsync(client, cancellationToken);
            }
            catch
            {
                // Only the warm-up's own cancellation (the host stopping) gets here; nothing keeps the client then.
                client.Dispose();
                throw;
            }
            http = client;
            channel = GrpcChannel.ForAddress(Loopback(listeners.GrpcAddress), new GrpcChannelOptions { HttpHandler = Handler() });
            Volatile.Write(ref health, new global::Grpc.Health.V1.Health.HealthClient(channel));
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>
    /// The metrics endpoint's scrape, once and best effort (the exporter compiled some 260 methods at the first scrape
    /// after readiness): whatever it answers, or if it does not within a second, the warm-up goes on.
    /// </summary>
    private static async Task ScrapeMetricsAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var scrape = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        scrape.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            using (await client.GetAsync(TelemetrySetup.MetricsPath, scrape.Token)) { }
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
        }
    }

    private SocketsHttpHandler Handler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (certificate is not null)
        {
            // Only the certificate this silo serves (compared whole); the loopback address never matches its name.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.Current.Leaf.RawData);
        }
        return handler;
    }

    /// <summary>A door bound to every address (0.0.0.0, [::]) is called on the loopback address of its family.</summary>
    private static Uri Loopback(Uri door)
    {
        if (!IPAddress.TryParse(door.Host.Trim('[', ']'), out var address)) return door;
        var loopback = address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : null;
        return loopback is null ? door : new UriBuilder(door) { Host = loopback.ToString() }.Uri;
    }

    public ValueTask DisposeAsync()
    {
        channel?.Dispose();
        http?.Dispose();
        return ValueTask.CompletedTask;
    }
}
