using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenExchange.Diagnostics;
using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting;
using OrleansSources = Orleans.Diagnostics.ActivitySources;

namespace TokenExchange.Server.Observability;

/// <summary>
/// OpenTelemetry for a silo: metrics always (Prometheus text at <see cref="MetricsPath"/>, and OTLP when
/// <c>--otlp-endpoint</c> is set); traces only with <c>--otlp-endpoint</c>, so that without a collector
/// nobody listens to the activity sources and tracing costs nothing.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "token-exchange";

    public static void AddTokenExchangeTelemetry(this IServiceCollection services, ServerSettings settings)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddTokenExchangeMeters().AddPrometheusExporter();
                if (settings.OtlpEndpoint is { } endpoint) metrics.AddOtlpExporter(options => options.Endpoint = endpoint);
            });
        if (settings.OtlpEndpoint is { } traces)
            telemetry.WithTracing(tracing => tracing.AddTokenExchangeInstrumentation().AddOtlpExporter(options => options.Endpoint = traces));
    }

    /// <summary>
    /// ASP.NET Core instruments recorded many times per request that say nothing an operator of a token service
    /// needs: Kestrel's memory pool counts every buffer rented (several per exchange), routing every match attempt
    /// (one per request; http.server.request.duration already counts requests by route). Each recording is a
    /// lookup in OpenTelemetry's aggregator (issue 15); dropped, they are not even enabled.
    /// Kestrel's queued-requests gauge boxes its tags' integers twice per HTTP/2 stream, for a queue that on this
    /// server only ever holds a stream for the moment between its headers and its dispatch.
    /// </summary>
    public static readonly IReadOnlyList<string> DroppedInstruments = ["aspnetcore.memory_pool.rented", "aspnetcore.routing.match_attempts", "kestrel.queued_requests"];

    /// <summary>
    /// The meters ASP.NET Core records its own metrics on (http.server.request.duration, Kestrel's connections, sign-in
    /// and the rest), listened to directly. OpenTelemetry's AddAspNetCoreInstrumentation() adds the same meters and a
    /// middleware around every request, only to tag a 5xx answered without an exception with error.type; that
    /// middleware cost every exchange an async state machine (about 200 B, issue 15), and the status code label
    /// already says what it would.
    /// </summary>
    public static readonly IReadOnlyList<string> AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>The cluster's own meter, ASP.NET Core's request metrics and the .NET runtime's.</summary>
    public static MeterProviderBuilder AddTokenExchangeMeters(this MeterProviderBuilder metrics)
    {
        metrics.AddMeter(TokenExchangeTelemetry.Name).AddMeter([.. AspNetCoreMeters]).AddRuntimeInstrumentation();
        foreach (var instrument in DroppedInstruments) metrics.AddView(instrument, MetricStreamConfiguration.Drop);
        return metrics;
    }

    /// <summary>
    /// The spans of an exchange: ASP.NET Core's server span (its parent from the caller's traceparent), the
    /// cluster's own, and Orleans' grain calls, through which the trace context reaches the subject session.
    /// </summary>
    public static TracerProviderBuilder AddTokenExchangeInstrumentation(this TracerProviderBuilder tracing) =>
        tracing
            .AddSource(TokenExchangeTelemetry.Name, OrleansSources.ApplicationGrainActivitySourceName)
            .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbeOrScrape(context.Request.Path));

    public static void MapTokenExchangeMetrics(this WebApplication app) => app.MapPrometheusScrapingEndpoint(MetricsPath);

    /// <summary>Probes and scrapes arrive every few seconds and say nothing about exchanges.</summary>
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments(HealthEndpoints.LivePath) || path.StartsWithSegments(HealthEndpoints.ReadyPath)
        || path.StartsWithSegments("/grpc.health.v1.Health");
}
