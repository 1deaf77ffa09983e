using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using TokenExchange.Clients;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Server.Grpc;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Http;
using TokenExchange.Server.Tls;
using TokenExchange.Silo;
using TokenExchange.Silo.Events;
using TokenExchange.Silo.Handlers;
using TokenExchange.Silo.Limits;
using TokenExchange.Silo.Recent;
using TokenExchange.Tokens;
using ProtoRequest = TokenExchange.Protos.V1.ExchangeRequest;

namespace TokenExchange.Server.Warmup;

/// <summary>
/// The front doors' own code for the readiness warm-up (issue 15, warm start): the gRPC service's Exchange method and
/// the HTTP token endpoint's handler, over an <see cref="ExchangeFrontDoor"/> of the warm-up's own. The JIT compiles
/// methods, not instances, so these objects warm the very code a real request runs (the address and app budgets,
/// client authentication, the pipeline, the handler executor, the event sinks) while nothing of theirs is the
/// silo's: the definitions are the warm-up's throwaway app and handler, never in the cluster's registry, so no
/// request from outside can use them; the budgets, the metrics (on a meter nobody listens to), the recent-exchange
/// series and the audit log (to a logger that writes nowhere) are instances of their own, thrown away with the
/// warm-up. The silo's own services it takes either keep nothing per exchange (the pipeline) or are never reached
/// by the warm-up's requests, which carry a client secret and no DPoP proof or client assertion (the refresh grant,
/// the DPoP validator, the client assertions' keys and one-time-use store, token inspection).
/// </summary>
internal sealed class WarmupFrontDoor
{
    private readonly TokenExchangeGrpcService grpc;
    private readonly ExchangeFrontDoor frontDoor;
    private readonly ClientCertificateReader certificates;
    private readonly ClusterIssuer issuer;
    private readonly IServiceProvider services;
    private readonly CountingSink recorded = new();

    public WarmupFrontDoor(DefinitionSnapshot definitions, HandlerCompiler compiler, ISubjectSessions sessions, TokenMinter minter, TokenExchangeMetrics metrics, IServiceProvider services)
    {
        this.services = services;
        var time = services.GetRequiredService<TimeProvider>();
        var source = new FixedDefinitionSource(definitions);
        var runtime = new HandlerRuntime(compiler, NullLogger<HandlerRuntime>.Instance);
        runtime.Update(definitions);
        var pipeline = services.GetRequiredService<ExchangePipeline>();
        var events = new TokenEvents(
            [new AuditLogSink(NullLoggerFactory.Instance), new MetricsSink(metrics, source), new RecentExchangeSink(source), recorded],
            time, NullLogger<TokenEvents>.Instance);
        frontDoor = new ExchangeFrontDoor(source, pipeline, services.GetRequiredService<RefreshTokenGrant>(),
            new HandlerExecutor(runtime, pipeline, sessions, minter, NullLogger<HandlerExecutor>.Instance), events,
            new RateLimits(new RateLimitOptions(), time, metrics), services.GetRequiredService<DpopProofValidator>(),
            new ClientAuthenticator(services.GetRequiredService<IClientAssertionKeys>(), services.GetRequiredService<IOneTimeUseStore>(), time, metrics));
        certificates = services.GetRequiredService<ClientCertificateReader>();
        issuer = services.GetRequiredService<ClusterIssuer>();
        grpc = new TokenExchangeGrpcService(frontDoor, services.GetRequiredService<TokenInspection>(), certificates,
            services.GetRequiredService<GracefulLeave>(), issuer, NullLogger<TokenExchangeGrpcService>.Instance);
    }

    /// <summary>Exchanges this front door recorded (every one records one event, refused or not).</summary>
    public int Recorded => recorded.Count;

    /// <summary>A unary gRPC exchange, as the gRPC service method receives it; its failure is the call's <see cref="RpcException"/>.</summary>
    public Task<Protos.V1.ExchangeResponse> ExchangeAsync(ProtoRequest request, CancellationToken cancellationToken) =>
        grpc.Exchange(request, new WarmupCallContext(Loopback(), cancellationToken));

    /// <summary>An exchange at the HTTP token endpoint, its form as the body; the status code of the answer it wrote.</summary>
    public async Task<int> PostFormAsync(byte[] form, CancellationToken cancellationToken)
    {
        var http = Loopback();
        http.RequestAborted = cancellationToken;
        http.Request.Method = HttpMethods.Post;
        http.Request.Path = TokenEndpoint.Path;
        http.Request.ContentType = "application/x-www-form-urlencoded";
        http.Request.ContentLength = form.Length;
        http.Request.Body = new MemoryStream(form, writable: false);
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var answer = await TokenEndpoint.HandleAsync(http, frontDoor, certificates, issuer);
        await answer.ExecuteAsync(http);
        return http.Response.StatusCode;
    }

    private DefaultHttpContext Loopback()
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        return http;
    }

    private sealed class CountingSink : ITokenEventSink
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Record(TokenEvent e) => Interlocked.Increment(ref count);
    }

    /// <summary>
    /// A gRPC call's context without a transport: the loopback HTTP context is where <c>GetHttpContext()</c> finds it
    /// (Grpc.AspNetCore looks in <see cref="ServerCallContext.UserState"/> under "__HttpContext" for a context it did not make).
    /// </summary>
    private sealed class WarmupCallContext(HttpContext http, CancellationToken cancellationToken) : ServerCallContext
    {
        private readonly Dictionary<object, object> userState = new() { ["__HttpContext"] = http };

        protected override string MethodCore => "/tokenexchange.v1.TokenExchange/Exchange";
        protected override string HostCore => "127.0.0.1";
        protected override string PeerCore => "ipv4:127.0.0.1:0";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => cancellationToken;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);
        protected override IDictionary<object, object> UserStateCore => userState;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException("the warm-up makes no outgoing gRPC calls");

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
