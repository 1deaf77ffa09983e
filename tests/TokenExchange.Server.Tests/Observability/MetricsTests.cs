using System.Net;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// A few exchanges over both front doors, some refused with known OAuth errors, then one scrape of
/// <c>/metrics</c>: the series, their exact counts, and tags that never carry caller input or identities.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class MetricsTests(MetricsTests.Scrape fixture) : IClassFixture<MetricsTests.Scrape>
{
    private const string App = "metrics-app";
    private const string Secret = "metrics-secret-0123456789abcdef";
    private const string Handler = "metrics-idp";
    private const string Subject = "alice-ext-1";
    private const string UserId = "u-alice";

    private PrometheusText Metrics => fixture.Text;
    private string StrangerClientId => fixture.StrangerClientId;

    [Fact]
    public void Counts_operations_by_app_handler_operation_outcome_and_error()
    {
        const string name = "tokenexchange_operations_total";
        Assert.Equal(5, Metrics.Sum(name, ("app", App), ("handler", Handler), ("operation", "exchange"), ("outcome", "success")));
        Assert.Equal(2, Metrics.Sum(name, ("app", "unknown"), ("handler", "none"), ("operation", "exchange"), ("error", "invalid_client")));
        Assert.Equal(1, Metrics.Sum(name, ("app", App), ("handler", "none"), ("operation", "exchange"), ("error", "invalid_scope")));
        Assert.Equal(1, Metrics.Sum(name, ("app", App), ("handler", Handler), ("operation", "exchange"), ("error", "invalid_request")));
        Assert.Equal(1, Metrics.Sum(name, ("app", App), ("operation", "introspect"), ("outcome", "success")));
        Assert.Equal(9, Metrics.Sum(name, ("operation", "exchange")));
        Assert.DoesNotContain(Metrics.Find(name, ("outcome", "success")), s => s.Labels.ContainsKey("error"));
    }

    [Fact]
    public void The_latency_histogram_counts_every_exchange_in_explicit_buckets()
    {
        Assert.Equal(9, Metrics.Sum("tokenexchange_operation_duration_seconds_count", ("operation", "exchange")));
        Assert.Equal(5, Metrics.Sum("tokenexchange_operation_duration_seconds_count", ("app", App), ("operation", "exchange"), ("outcome", "success")));
        var buckets = Metrics.Find("tokenexchange_operation_duration_seconds_bucket", ("app", App), ("operation", "exchange"), ("outcome", "success")).ToList();
        Assert.Contains(buckets, b => b.Labels["le"] == "0.0001");
        Assert.Contains(buckets, b => b.Labels["le"] == "10");
        Assert.Equal(5, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.True(Metrics.Sum("tokenexchange_operation_duration_seconds_sum", ("app", App), ("operation", "exchange")) > 0);
    }

    [Fact]
    public void Times_subject_token_validation_by_handler_and_outcome()
    {
        Assert.Equal(5, Metrics.Sum("tokenexchange_validation_duration_seconds_count", ("handler", Handler), ("outcome", "valid")));
        Assert.Equal(1, Metrics.Sum("tokenexchange_validation_duration_seconds_count", ("handler", Handler), ("outcome", "invalid")));
    }

    [Fact]
    public void Counts_jwks_fetches_and_the_session_user_cache_and_active_sessions()
    {
        Assert.Equal(1, Metrics.Sum("tokenexchange_jwks_fetches_total", ("handler", Handler), ("outcome", "success")));
        Assert.Equal(0, Metrics.Sum("tokenexchange_jwks_fetches_total", ("outcome", "failure")));
        // One subject: its session maps the user once, then answers from its cache.
        Assert.Equal(1, Metrics.Sum("tokenexchange_session_user_cache_lookups_total", ("handler", Handler), ("result", "miss")));
        Assert.Equal(4, Metrics.Sum("tokenexchange_session_user_cache_lookups_total", ("handler", Handler), ("result", "hit")));
        Assert.Equal(1, Metrics.Sum("tokenexchange_sessions_active"));
    }

    [Fact]
    public void Counts_verified_token_cache_lookups_every_token_here_being_fresh()
    {
        // Five valid tokens and one that is not a JWT, each presented once: all misses.
        Assert.Equal(6, Metrics.Sum("tokenexchange_validation_cache_lookups_total", ("handler", Handler), ("result", "miss")));
        Assert.Equal(0, Metrics.Sum("tokenexchange_validation_cache_lookups_total", ("result", "hit")));
    }

    [Fact]
    public void No_tag_carries_a_subject_a_user_id_or_an_unknown_client_id()
    {
        var values = Metrics.Samples.SelectMany(s => s.Labels.Values).ToHashSet();
        Assert.DoesNotContain(Subject, values);
        Assert.DoesNotContain(UserId, values);
        Assert.DoesNotContain(StrangerClientId, values);
        Assert.DoesNotContain(Subject, Metrics.Text);
        Assert.DoesNotContain(UserId, Metrics.Text);
        Assert.DoesNotContain(StrangerClientId, Metrics.Text);
        var ours = Metrics.Samples.Where(s => s.Name.StartsWith("tokenexchange_", StringComparison.Ordinal)).ToList();
        Assert.All(ours.Where(s => s.Labels.ContainsKey("app")), s => Assert.Contains(s.Labels["app"], new[] { App, "unknown" }));
        Assert.All(ours.Where(s => s.Labels.ContainsKey("handler")), s => Assert.Contains(s.Labels["handler"], new[] { Handler, "none" }));
    }

    [Fact]
    public void Exposes_asp_net_core_and_runtime_metrics_beside_the_clusters()
    {
        Assert.NotEmpty(Metrics.Find("http_server_request_duration_seconds_count"));
        Assert.Contains(Metrics.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public void Leaves_out_the_framework_counters_recorded_several_times_per_request()
    {
        // Kestrel's memory pool meter stays (what it allocates, evicts and holds); only its count of every rent goes.
        Assert.NotEmpty(Metrics.Find("aspnetcore_memory_pool_allocated_bytes_total"));
        Assert.Empty(Metrics.Find("aspnetcore_memory_pool_rented_bytes_total"));
        Assert.Empty(Metrics.Find("aspnetcore_routing_match_attempts_total"));
    }

    /// <summary>The exchanges, made once for all the tests of the class, and the one scrape after them.</summary>
    public sealed class Scrape : IAsyncLifetime, IServerAddresses
    {
        private readonly TestIdp idp = new("https://idp.metrics.example");
        public readonly string StrangerClientId = "stranger-" + Guid.NewGuid().ToString("N");
        private JwksServer jwks = null!;
        private TokenExchangeServer server = null!;

        public PrometheusText Text { get; private set; } = null!;
        public Uri Http => server.HttpAddress;
        public Uri Grpc => server.GrpcAddress;

        public async Task InitializeAsync()
        {
            jwks = await JwksServer.StartAsync(idp);
            server = await LoopbackServer.StartAsync(TestConfig.Create()
                .App(App, a => a.Secret(Secret).Exchange(requireSecret: true).Scopes("api"))
                .JwtHandler(Handler, h => h
                    .Accepts("jwt")
                    .Issuer(idp.Issuer)
                    .Jwks(jwks.JwksUri)
                    .Audiences("token-exchange")
                    .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
                    .Enable(App, isDefault: true))
                .User(UserId, u => u.Username("alice@example.com").FederationId(Subject))
                .ToYaml());
            using var clients = new Clients(this);

            // Five exchanges that succeed: three over gRPC, two over HTTP, all for one subject.
            string? issued = null;
            for (var i = 0; i < 3; i++) issued = (await clients.Grpc.ExchangeAsync(Request())).AccessToken;
            for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await clients.PostToken(Request())).StatusCode);
            // Refused: an unknown client and a known one with a wrong secret (invalid_client), a scope the app
            // may not have (invalid_scope), a subject token that is not a JWT (invalid_request, in the handler).
            Assert.Equal("invalid_client", (await clients.GrpcFailure(Request(r => r.ClientId = StrangerClientId))).Code);
            Assert.Equal(HttpStatusCode.Unauthorized, (await clients.PostToken(Request(r => r.ClientSecret = "wrong-secret-0123456789abcdef"))).StatusCode);
            Assert.Equal("invalid_scope", (await clients.GrpcFailure(Request(r => r.Scope.Add("admin")))).Code);
            Assert.Equal(HttpStatusCode.BadRequest, (await clients.PostToken(Request(r => r.SubjectToken = "not-a-jwt"))).StatusCode);
            // One introspection of a token the cluster issued.
            using var introspection = await clients.Http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(
                [new("client_id", App), new("client_secret", Secret), new("token", issued!)]));
            Assert.Equal(HttpStatusCode.OK, introspection.StatusCode);

            using var response = await clients.Http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        }

        public async Task DisposeAsync()
        {
            await server.DisposeAsync();
            await jwks.DisposeAsync();
        }

        private ExchangeRequest Request(Action<ExchangeRequest>? change = null)
        {
            var request = new ExchangeRequest
            {
                ClientId = App,
                ClientSecret = Secret,
                SubjectToken = idp.Token(Subject),
                SubjectTokenType = Clients.JwtType,
                Scope = { "api" },
            };
            change?.Invoke(request);
            return request;
        }
    }
}
