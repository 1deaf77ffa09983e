using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Configuration;
using TokenExchange.Diagnostics;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Silo.Admin;
using TokenExchange.Silo.Events;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// Transaction tokens over both front doors (draft-ietf-oauth-transaction-tokens-10): an edge gateway exchanges a
/// user's token for one, internal workloads replace it, and every refusal answers with its OAuth code, HTTP status and
/// gRPC status.
/// </summary>
public sealed class TransactionTokenTests(TransactionTokenTests.Server fixture) : IClassFixture<TransactionTokenTests.Server>, IDisposable
{
    public const string Domain = "trust.mesh.example";
    public const string Secret = "mesh-secret-0123456789abcdef";
    private const string TxnToken = "urn:ietf:params:oauth:token-type:txn_token";

    private readonly Clients clients = new(fixture);

    private TestIdp Idp => fixture.Idp;

    public static TheoryData<string> Transports() => new() { "grpc", "http" };

    /// <summary>The edge gateway's Txn-Token Request for Alice's access token.</summary>
    private ExchangeRequest Issue(string clientId = "edge-gateway", string scope = "trade", string? subjectScope = "trade read")
    {
        var claims = new Dictionary<string, object> { ["amr"] = new[] { "mfa", "pwd" } };
        if (subjectScope is not null) claims["scope"] = subjectScope;
        return new()
        {
            ClientId = clientId,
            ClientSecret = Secret,
            SubjectToken = fixture.Idp.Token("alice-ext-1", now: fixture.Clock.GetUtcNow(), claims: claims),
            SubjectTokenType = Clients.AccessTokenType,
            RequestedTokenType = TxnToken,
            Scope = { scope.Split(' ') },
            Audience = { Domain },
            RequestDetails = """{"action":"BUY","ticker":"MSFT","quantity":"100"}""",
            RequestContext = """{"ua":"mobile-app/7.1"}""",
        };
    }

    private static ExchangeRequest Replace(string token, string clientId = "inventory", string scope = "trade") => new()
    {
        ClientId = clientId,
        ClientSecret = Secret,
        SubjectToken = token,
        SubjectTokenType = TxnToken,
        RequestedTokenType = TxnToken,
        Scope = { scope.Split(' ') },
        Audience = { Domain },
    };

    private sealed record Answer(string AccessToken, string IssuedTokenType, string TokenType, long ExpiresIn, string Scope, string? RefreshToken);

    private async Task<Answer> Exchange(string transport, ExchangeRequest request)
    {
        if (transport == "grpc")
        {
            var r = await clients.Grpc.ExchangeAsync(request);
            return new Answer(r.AccessToken, r.IssuedTokenType, r.TokenType, r.ExpiresIn, r.Scope, r.RefreshToken.Length > 0 ? r.RefreshToken : null);
        }
        using var response = await clients.PostToken(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return new Answer(body.GetProperty("access_token").GetString()!, body.GetProperty("issued_token_type").GetString()!, body.GetProperty("token_type").GetString()!,
            body.GetProperty("expires_in").GetInt64(), body.GetProperty("scope").GetString()!, body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }

    /// <summary>The refusal over both front doors: the OAuth code and description are the same on each.</summary>
    private async Task AssertRefused(ExchangeRequest request, string code, int httpStatus, StatusCode grpcStatus, string? description = null)
    {
        var (status, grpcCode, message) = await clients.GrpcFailure(request);
        Assert.Equal((grpcStatus, code), (status, grpcCode));
        if (description is not null) Assert.Equal(description, message);
        Assert.DoesNotContain(request.SubjectToken, message);

        using var response = await clients.PostToken(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(httpStatus, (int)response.StatusCode);
        Assert.Equal(code, body.GetProperty("error").GetString());
        Assert.Equal(message, body.GetProperty("error_description").GetString());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_edge_gateway_exchanges_a_users_token_for_a_txn_token(string transport)
    {
        var issued = await Exchange(transport, Issue());

        Assert.Equal((TxnToken, "N_A", 60L, "trade"), (issued.IssuedTokenType, issued.TokenType, issued.ExpiresIn, issued.Scope));
        Assert.Null(issued.RefreshToken);
        var jwt = new JsonWebToken(issued.AccessToken);
        Assert.Equal("txntoken+jwt", jwt.Typ);
        Assert.Equal(fixture.Issuer, jwt.Issuer);
        Assert.Equal([Domain], jwt.Audiences);
        Assert.Equal("u-alice", jwt.Subject);
        Assert.True(Guid.TryParse(jwt.GetPayloadValue<string>("txn"), out _));
        Assert.Equal("trade", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal("edge-gateway", jwt.GetPayloadValue<string>("req_wl"));
        Assert.Equal(jwt.GetPayloadValue<long>("iat") + 60, jwt.GetPayloadValue<long>("exp"));
        Assert.Equal("""{"action":"BUY","ticker":"MSFT","quantity":"100"}""", jwt.GetPayloadValue<JsonElement>("tctx").GetRawText());
        Assert.Equal("""{"ua":"mobile-app/7.1","req_ip":"127.0.0.1","authn":"mfa"}""", jwt.GetPayloadValue<JsonElement>("rctx").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Two_internal_hops_replace_it_keeping_txn_and_sub_and_narrowing(string transport)
    {
        var issued = new JsonWebToken((await Exchange(transport, Issue(scope: "trade read"))).AccessToken);

        var first = new JsonWebToken((await Exchange(transport, Replace(issued.EncodedToken, "inventory", "trade read"))).AccessToken);
        var second = await Exchange(transport, Replace(first.EncodedToken, "ledger", "read"));

        var jwt = new JsonWebToken(second.AccessToken);
        Assert.Equal((TxnToken, "N_A", "read"), (second.IssuedTokenType, second.TokenType, second.Scope));
        Assert.Null(second.RefreshToken);
        Assert.Equal("txntoken+jwt", jwt.Typ);
        Assert.Equal(issued.GetPayloadValue<string>("txn"), first.GetPayloadValue<string>("txn"));
        Assert.Equal(issued.GetPayloadValue<string>("txn"), jwt.GetPayloadValue<string>("txn"));
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal([Domain], jwt.Audiences);
        Assert.Equal("ledger", jwt.GetPayloadValue<string>("req_wl"));
        Assert.Equal("inventory", first.GetPayloadValue<string>("req_wl"));
        Assert.Equal(issued.GetPayloadValue<JsonElement>("tctx").GetRawText(), jwt.GetPayloadValue<JsonElement>("tctx").GetRawText());
        var rctx = jwt.GetPayloadValue<JsonElement>("rctx");
        Assert.Equal("""["edge-gateway","inventory"]""", rctx.GetProperty("req_wl_chain").GetRawText());
        Assert.Equal("127.0.0.1", rctx.GetProperty("req_ip").GetString());
        Assert.True(jwt.GetPayloadValue<long>("exp") <= issued.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task A_wider_scope_than_the_presented_txn_tokens_is_refused()
    {
        var issued = await Exchange("grpc", Issue(scope: "trade"));

        await AssertRefused(Replace(issued.AccessToken, "inventory", "trade read"), "invalid_scope", 400, StatusCode.InvalidArgument,
            "scope 'read' is wider than the transaction token's: a replacement may only narrow it");
    }

    [Fact]
    public async Task An_expired_txn_token_is_not_replaced()
    {
        var issued = await Exchange("grpc", Issue());
        await Exchange("grpc", Replace(issued.AccessToken));

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        await AssertRefused(Replace(issued.AccessToken), "invalid_request", 400, StatusCode.InvalidArgument, "the transaction token has expired");
    }

    [Fact]
    public async Task A_txn_token_is_never_refreshable()
    {
        var issued = await Exchange("http", Issue(scope: "trade offline_access", subjectScope: "trade offline_access"));

        Assert.Null(issued.RefreshToken);
        Assert.Null((await Exchange("grpc", Issue(scope: "trade offline_access", subjectScope: "trade offline_access"))).RefreshToken);
        using var response = await clients.Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "edge-gateway",
            ["client_secret"] = Secret,
            ["refresh_token"] = issued.AccessToken,
        }));
        // Nor is it a refresh token: the refresh grant refuses it (a txn token is longer than any refresh token).
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task A_jwt_handler_that_trusts_the_clusters_own_issuer_refuses_a_txn_token()
    {
        // The handler works: the cluster's own access token (audience the gateway's client id) passes it.
        var accessToken = (await clients.Grpc.ExchangeAsync(Plain(Issue()))).AccessToken;
        var own = new ExchangeRequest { ClientId = "bystander", ClientSecret = Secret, SubjectToken = accessToken, SubjectTokenType = Clients.AccessTokenType, TokenHandler = "cluster-self" };
        Assert.NotEmpty((await clients.Grpc.ExchangeAsync(own)).AccessToken);

        var txnToken = (await Exchange("grpc", Issue())).AccessToken;

        foreach (var declared in new[] { Clients.AccessTokenType, Clients.JwtType })
        {
            var disguised = own.Clone();
            disguised.SubjectToken = txnToken;
            disguised.SubjectTokenType = declared;
            await AssertRefused(disguised, "invalid_request", 400, StatusCode.InvalidArgument,
                "subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced");
        }
    }

    /// <summary>The same request as an ordinary exchange, for an access token.</summary>
    private static ExchangeRequest Plain(ExchangeRequest request)
    {
        var plain = request.Clone();
        plain.RequestedTokenType = "";
        plain.RequestDetails = "";
        plain.RequestContext = "";
        plain.Audience.Clear();
        return plain;
    }

    public static TheoryData<string> Refusals() => new(RefusalCases.Keys);

    private static readonly Dictionary<string, (Func<TransactionTokenTests, Task<ExchangeRequest>> Build, string Code, int Http, StatusCode Grpc, string Description)> RefusalCases = new()
    {
        ["an app not allowed to be issued"] = (t => Task.FromResult(t.Issue("bystander")), "unauthorized_client", 400, StatusCode.PermissionDenied, "this client may not be issued transaction tokens"),
        ["an app not allowed to replace"] = (async t => Replace((await t.Exchange("grpc", t.Issue())).AccessToken, "edge-gateway"), "unauthorized_client", 400, StatusCode.PermissionDenied, "this client may not replace transaction tokens"),
        ["an audience other than the trust domain"] = (t => Task.FromResult(t.Issue().Also(r => { r.Audience.Clear(); r.Audience.Add("https://orders.example"); })), "invalid_target", 400, StatusCode.InvalidArgument, $"a transaction token's audience is the trust domain '{Domain}', and only it"),
        ["no scope"] = (t => Task.FromResult(t.Issue().Also(r => r.Scope.Clear())), "invalid_request", 400, StatusCode.InvalidArgument, "scope is required for a transaction token: the transaction's purpose"),
        ["no audience"] = (t => Task.FromResult(t.Issue().Also(r => r.Audience.Clear())), "invalid_request", 400, StatusCode.InvalidArgument, "audience is required for a transaction token: the trust domain"),
        ["a scope beyond the subject token's"] = (t => Task.FromResult(t.Issue(scope: "trade read", subjectScope: "trade")), "invalid_scope", 400, StatusCode.InvalidArgument, "scope 'read' is wider than the subject token's"),
        ["a subject token without scope"] = (t => Task.FromResult(t.Issue(subjectScope: null)), "invalid_scope", 400, StatusCode.InvalidArgument, "the subject token carries no scope, so a transaction token's scope cannot be bounded by it"),
        ["a scope the app is not allowed"] = (t => Task.FromResult(t.Issue(scope: "trade payroll", subjectScope: "trade payroll")), "invalid_scope", 400, StatusCode.InvalidArgument, "scope 'payroll' is not allowed for this client"),
        ["request_details that are no JSON object"] = (t => Task.FromResult(t.Issue().Also(r => r.RequestDetails = "[1]")), "invalid_request", 400, StatusCode.InvalidArgument, "request_details must be a JSON object, nested at most 8 deep"),
        ["request_context that is no JSON"] = (t => Task.FromResult(t.Issue().Also(r => r.RequestContext = "{oops")), "invalid_request", 400, StatusCode.InvalidArgument, "request_context must be a JSON object, nested at most 8 deep"),
        ["request_details on an ordinary exchange"] = (t => Task.FromResult(t.Issue().Also(r => { r.RequestedTokenType = ""; r.Audience.Clear(); })), "invalid_request", 400, StatusCode.InvalidArgument, "request_details and request_context are only for transaction tokens (requested_token_type txn_token)"),
        ["request_details on a replacement"] = (async t => Replace((await t.Exchange("grpc", t.Issue())).AccessToken).Also(r => r.RequestDetails = "{}"), "invalid_request", 400, StatusCode.InvalidArgument, "a replacement keeps the transaction's context: request_details and request_context are given only when it is issued"),
        ["a handler named for a replacement"] = (async t => Replace((await t.Exchange("grpc", t.Issue())).AccessToken).Also(r => r.TokenHandler = "partner-idp"), "invalid_request", 400, StatusCode.InvalidArgument, "token_handler is not used to replace a transaction token: the cluster verifies its own"),
        ["an access token asked for a txn token"] = (async t => Replace((await t.Exchange("grpc", t.Issue())).AccessToken).Also(r => r.RequestedTokenType = Clients.AccessTokenType), "invalid_request", 400, StatusCode.InvalidArgument, "a transaction token is replaced only by a transaction token: requested_token_type must be txn_token"),
        ["an actor token"] = (t => Task.FromResult(t.Issue().Also(r => { r.ActorToken = t.Idp.Token("service-a"); r.ActorTokenType = Clients.JwtType; })), "invalid_request", 400, StatusCode.InvalidArgument, "actor_token is not used with transaction tokens"),
        ["a txn token as actor token"] = (WithTxnActor, "invalid_request", 400, StatusCode.InvalidArgument, "a transaction token is never an actor_token"),
        ["a forged txn token"] = (async t => Replace(Forge((await t.Exchange("grpc", t.Issue())).AccessToken)), "invalid_request", 400, StatusCode.InvalidArgument, "subject_token is not a valid transaction token of this trust domain"),
        ["an access token presented as a txn token"] = (async t => Replace((await t.clients.Grpc.ExchangeAsync(Plain(t.Issue()))).AccessToken), "invalid_request", 400, StatusCode.InvalidArgument, "subject_token is not a valid transaction token of this trust domain"),
    };

    /// <summary>An ordinary exchange with a transaction token as its actor token.</summary>
    private static async Task<ExchangeRequest> WithTxnActor(TransactionTokenTests t)
    {
        var request = Plain(t.Issue());
        request.ActorToken = (await t.Exchange("grpc", t.Issue())).AccessToken;
        request.ActorTokenType = Clients.JwtType;
        return request;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Each_refusal_answers_with_its_code_and_status_over_both_transports(string name)
    {
        var (build, code, http, grpc, description) = RefusalCases[name];

        await AssertRefused(await build(this), code, http, grpc, description);
    }

    [Fact]
    public async Task Issuance_and_replacement_are_counted_and_audited_by_txn_never_by_token()
    {
        var counted = new List<(string? Action, string? App)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, fixture.Metrics.Meter) && instrument.Name == "tokenexchange.transaction_tokens") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            lock (counted) counted.Add((all["action"], all["app"]));
        });
        listener.Start();
        var issued = await Exchange("grpc", Issue());
        var replaced = await Exchange("http", Replace(issued.AccessToken));
        var txn = new JsonWebToken(issued.AccessToken).GetPayloadValue<string>("txn");

        var lines = await Poll.UntilAsync(
            () => Task.FromResult(fixture.Logs.Lines.Where(l => l.Category == AuditLogSink.Category && l.Message.Contains("txn=" + txn, StringComparison.Ordinal)).ToList()),
            l => l.Count == 2, TimeSpan.FromSeconds(10), "the issuance and the replacement in the audit log");

        Assert.Contains(lines, l => l.Message.StartsWith("exchange outcome=ok client=edge-gateway handler=partner-idp", StringComparison.Ordinal) && l.Message.Contains("txn_token=issue"));
        Assert.Contains(lines, l => l.Message.StartsWith("exchange outcome=ok client=inventory handler=", StringComparison.Ordinal) && l.Message.Contains("txn_token=replace") && l.Message.Contains("user=u-alice"));
        foreach (var token in new[] { issued.AccessToken, replaced.AccessToken }) Assert.DoesNotContain(fixture.Logs.Everything, text => text.Contains(token, StringComparison.Ordinal));
        lock (counted)
        {
            Assert.Contains(("issue", "edge-gateway"), counted);
            Assert.Contains(("replace", "inventory"), counted);
        }
    }

    private static string Forge(string token)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!;
        payload["scope"] = JsonSerializer.SerializeToElement("trade read admin");
        return parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + "." + parts[2];
    }

    public void Dispose() => clients.Dispose();

    /// <summary>One server for the class: a trust domain, an edge gateway, two internal workloads, an app without transaction tokens.</summary>
    public sealed class Server : IAsyncLifetime, IServerAddresses
    {
        private TokenExchangeServer server = null!;

        public TestIdp Idp { get; } = new("https://idp.mesh.example");
        public JwksServer Jwks { get; private set; } = null!;
        public ShiftedClock Clock { get; } = new();
        public CapturedLogs Logs { get; } = new();
        public Uri Http => server.HttpAddress;
        public Uri Grpc => server.GrpcAddress;
        public string Issuer => server.Issuer;
        public TokenExchangeMetrics Metrics => server.Services.GetRequiredService<TokenExchangeMetrics>();

        public async Task InitializeAsync()
        {
            Jwks = await JwksServer.StartAsync(Idp);
            var config = TestConfig.Create()
                .App("edge-gateway", a => a.Secret(Secret).Exchange().Scopes("trade", "read", "offline_access").RefreshTokens().TransactionTokens(issue: true))
                .App("inventory", a => a.Secret(Secret).Exchange().Scopes("trade", "read").TransactionTokens(replace: true, lifetime: "00:00:30"))
                .App("ledger", a => a.Secret(Secret).Exchange().Scopes("read").TransactionTokens(replace: true))
                .App("bystander", a => a.Secret(Secret).Exchange().Scopes("trade", "read"))
                .JwtHandler("partner-idp", h => h
                    .TrustsTestIdp(Idp.Issuer, Jwks.JwksUri)
                    .Accepts("access_token", "jwt")
                    .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
                    .Enable("edge-gateway", isDefault: true)
                    .Enable("bystander", isDefault: true))
                .User("u-alice", u => u.Username("alice@example.com").FederationId("alice-ext-1"))
                .ToYaml();
            server = await LoopbackServer.StartAsync(config, builder =>
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
                builder.Logging.AddProvider(Logs);
                builder.Logging.AddFilter(AuditLogSink.Category, LogLevel.Debug);
            }, "--trust-domain", Domain);
            // A jwt handler that trusts the cluster's own issuer and keys (known once the server listens), audience the trust domain too.
            var self = ConfigLoader.ParseDocument(TestConfig.Create()
                .JwtHandler("cluster-self", h => h
                    .Issuer(server.Issuer)
                    .Jwks(new Uri(server.HttpAddress, "/oauth2/jwks"))
                    .AllowInsecureHttp()
                    .Audiences(Domain, "bystander", "edge-gateway")
                    .Accepts("access_token", "jwt")
                    .UserMapping(claim: "sub", attribute: "federationId")
                    .Enable("bystander", allowUserCreation: true))
                .ToYaml());
            await server.Services.GetRequiredService<DefinitionAdmin>().ApplyAsync(self, prune: false, dryRun: false);
            using var http = new HttpClient { BaseAddress = server.HttpAddress };
            // Every silo's definitions catch up within a refresh interval: the handler is there once it validates.
            await Poll.UntilAsync(
                async () => await (await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = Clients.TokenExchangeGrant,
                    ["client_id"] = "bystander",
                    ["client_secret"] = Secret,
                    ["subject_token"] = "x",
                    ["subject_token_type"] = "jwt",
                    ["token_handler"] = "cluster-self",
                }))).Content.ReadAsStringAsync(),
                body => body.Contains("well-formed", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the cluster-self handler on the silo");
        }

        public async Task DisposeAsync()
        {
            await server.DisposeAsync();
            await Jwks.DisposeAsync();
        }
    }
}

internal static class RequestExtensions
{
    public static ExchangeRequest Also(this ExchangeRequest request, Action<ExchangeRequest> change)
    {
        change(request);
        return request;
    }
}
