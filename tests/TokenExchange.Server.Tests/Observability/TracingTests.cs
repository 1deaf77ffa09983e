using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Observability;
using TokenExchange.Testing;
using Spans = TokenExchange.Diagnostics.TokenExchangeTelemetry.Spans;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// One exchange with a caller's <c>traceparent</c> becomes one trace: ASP.NET Core's server span (child of
/// the caller's), the exchange span under it, and under that validation, the subject session call (across
/// Orleans, where the user mapping runs) and minting. Spans go to OpenTelemetry's in-memory exporter,
/// configured with the server's own instrumentation list.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class TracingTests : IAsyncLifetime, IServerAddresses
{
    private const string App = "trace-app";
    private const string Secret = "trace-secret-0123456789abcdef";

    private readonly TestIdp idp = new("https://idp.trace.example");
    private readonly SpanCollection spans = new();
    private JwksServer jwks = null!;
    private TokenExchangeServer server = null!;

    public Uri Http => server.HttpAddress;
    public Uri Grpc => server.GrpcAddress;

    public async Task InitializeAsync()
    {
        jwks = await JwksServer.StartAsync(idp);
        var config = TestConfig.Create()
            .App(App, a => a.Secret(Secret).Exchange(requireSecret: true).Scopes("api"))
            .JwtHandler("trace-idp", h => h
                .Accepts("jwt")
                .Issuer(idp.Issuer)
                .Jwks(jwks.JwksUri)
                .Audiences("token-exchange")
                .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
                .Enable(App, isDefault: true, allowUserCreation: true))
            .ToYaml();
        // Tracing is on with an OTLP endpoint (nothing listens at that port: the exporter's failures are its own);
        // the spans are read from the in-memory exporter beside it.
        server = await LoopbackServer.StartAsync(config, builder =>
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddTokenExchangeInstrumentation().AddInMemoryExporter(spans)),
            "--otlp-endpoint", "http://127.0.0.1:9");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await jwks.DisposeAsync();
    }

    [Fact]
    public async Task A_grpc_exchange_is_one_trace_under_the_callers_traceparent()
    {
        var (traceId, parentId, traceparent) = NewTraceparent();
        using var clients = new Clients(this);

        await clients.Grpc.ExchangeAsync(Request("grpc-" + Guid.NewGuid().ToString("N")), new Metadata { { "traceparent", traceparent } });

        AssertExchangeTree(await TraceAsync(traceId), parentId);
    }

    [Fact]
    public async Task An_http_exchange_is_one_trace_under_the_callers_traceparent()
    {
        var (traceId, parentId, traceparent) = NewTraceparent();
        using var clients = new Clients(this);
        clients.Http.DefaultRequestHeaders.Add("traceparent", traceparent);

        using var response = await clients.PostToken(Request("http-" + Guid.NewGuid().ToString("N")));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        AssertExchangeTree(await TraceAsync(traceId), parentId);
    }

    [Fact]
    public async Task A_refused_exchange_marks_its_span_failed_with_the_oauth_error_only()
    {
        var (traceId, _, traceparent) = NewTraceparent();
        using var clients = new Clients(this);
        var request = Request("refused");
        request.SubjectToken = "not-a-jwt";

        await Assert.ThrowsAsync<RpcException>(async () => await clients.Grpc.ExchangeAsync(request, new Metadata { { "traceparent", traceparent } }));

        var trace = await TraceAsync(traceId);
        var exchange = trace.Single(s => s.OperationName == Spans.Exchange);
        Assert.Equal(ActivityStatusCode.Error, exchange.Status);
        Assert.Equal("invalid_request", exchange.GetTagItem("tokenexchange.error"));
        Assert.Equal(ActivityStatusCode.Error, trace.Single(s => s.OperationName == Spans.Validate).Status);
        Assert.DoesNotContain(trace, s => s.OperationName == Spans.Mint);
        Assert.DoesNotContain(trace.SelectMany(s => s.Tags), tag => tag.Value?.Contains("not-a-jwt", StringComparison.Ordinal) == true);
    }

    private static void AssertExchangeTree(IReadOnlyList<Activity> trace, ActivitySpanId callerSpan)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        var serverSpan = trace.Single(s => s.Kind == ActivityKind.Server && s.ParentSpanId == callerSpan);
        var exchange = trace.Single(s => s.OperationName == Spans.Exchange);
        Assert.Equal(serverSpan.SpanId, exchange.ParentSpanId);
        Assert.Equal(App, exchange.GetTagItem("tokenexchange.app"));
        Assert.Equal("trace-idp", exchange.GetTagItem("tokenexchange.handler"));

        var validate = trace.Single(s => s.OperationName == Spans.Validate);
        var session = trace.Single(s => s.OperationName == Spans.Session);
        var mapUser = trace.Single(s => s.OperationName == Spans.MapUser);
        var mint = trace.Single(s => s.OperationName == Spans.Mint);
        Assert.Contains(exchange, Ancestors(validate, byId));
        Assert.Contains(exchange, Ancestors(mint, byId));
        Assert.Contains(exchange, Ancestors(session, byId));
        // The user mapping runs in the subject session grain: its span reaches the session call through
        // Orleans' grain call spans, which carried the trace context in the request context.
        var mapUserAncestors = Ancestors(mapUser, byId).ToList();
        Assert.Contains(session, mapUserAncestors);
        Assert.Contains(mapUserAncestors.TakeWhile(s => s != session), s => s.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName);
        Assert.All(trace, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent) yield return parent;
    }

    /// <summary>The trace's spans once ASP.NET Core's server span (the last to end) is exported; bounded wait.</summary>
    private async Task<IReadOnlyList<Activity>> TraceAsync(ActivityTraceId traceId)
    {
        return await Poll.LastAsync(
            () => Task.FromResult(spans.Snapshot().Where(s => s.TraceId == traceId).ToList()),
            trace => trace.Any(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"),
            TimeSpan.FromSeconds(10));
    }

    private static (ActivityTraceId TraceId, ActivitySpanId SpanId, string Traceparent) NewTraceparent()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        return (traceId, spanId, $"00-{traceId}-{spanId}-01");
    }

    private ExchangeRequest Request(string subject) => new()
    {
        ClientId = App,
        ClientSecret = Secret,
        SubjectToken = idp.Token(subject),
        SubjectTokenType = Clients.JwtType,
        Scope = { "api" },
    };
}
