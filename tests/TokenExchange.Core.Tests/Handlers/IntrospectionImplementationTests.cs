using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Users;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// The built-in introspection handler against a fake IdP endpoint: what it sends, how it reads the answer,
/// what it caches and for how long, and that one token costs one call however many exchanges wait for it.
/// </summary>
public sealed class IntrospectionImplementationTests : IDisposable
{
    private const string Endpoint = "https://idp.example/oauth2/introspect";
    private const string Token = "opaque-token-0123456789";
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice@example.com", Email = "alice@example.com", FederationId = "alice-ext-1" };

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly IntrospectionHttpHandler idp = new();
    private readonly HttpClient http;
    private readonly TestMeterFactory meters = new();

    public IntrospectionImplementationTests() => http = new HttpClient(idp);

    public void Dispose()
    {
        http.Dispose();
        meters.Dispose();
    }

    private static IntrospectionTrust Trust(Func<IntrospectionTrust, IntrospectionTrust>? change = null)
    {
        var trust = new IntrospectionTrust { Endpoint = Endpoint, ClientId = "token-exchange", ClientSecret = "our-secret-at-the-idp" };
        return change is null ? trust : change(trust);
    }

    private IntrospectionImplementation Implementation(IntrospectionTrust? trust = null, string[]? audiences = null, UserField attribute = UserField.FederationId, string claim = "sub") =>
        new(new HandlerDefinition
        {
            Name = "opaque-idp",
            Implementation = HandlerImplementations.Introspection,
            AcceptedTokenTypes = [TokenTypes.AccessToken],
            Introspection = trust ?? Trust(),
            Trust = new JwtTrust { Audiences = audiences ?? [] },
            UserMapping = new UserMappingRule { Attribute = attribute, Claim = claim, LinkExisting = true, UserAttributes = new() { FederationId = "sub", DisplayName = "name" } },
            Timeout = TimeSpan.FromSeconds(2),
        }, http, time, NullLogger.Instance, new TokenExchangeMetrics(meters));

    private static Task<(ValidatedSubject? Subject, OAuthError? Error)> Validate(IntrospectionImplementation implementation, string token = Token) =>
        implementation.ValidateAsync(new AuthorizedExchange
        {
            App = new AppDefinition { ClientId = "app" },
            Enablement = new HandlerAppEnablement { ClientId = "app" },
            HandlerName = "opaque-idp",
            SubjectToken = token,
            SubjectTokenType = TokenTypes.AccessToken,
            RequestedTokenType = TokenTypes.AccessToken,
        }, CancellationToken.None).AsTask();

    private long Exp(TimeSpan fromNow) => (time.GetUtcNow() + fromNow).ToUnixTimeSeconds();

    private static void AssertRefused((ValidatedSubject? Subject, OAuthError? Error) result, string code, string? description = null)
    {
        Assert.Null(result.Subject);
        Assert.Equal(code, result.Error?.Code);
        if (description is not null) Assert.Equal(description, result.Error!.Description);
    }

    [Fact]
    public async Task An_active_token_hands_on_its_subject_issuer_claims_user_data_and_expiry()
    {
        var exp = Exp(TimeSpan.FromMinutes(10));
        idp.Answer = _ => IntrospectionHttpHandler.Json(new
        {
            active = true,
            sub = "alice-ext-1",
            iss = "https://idp.example",
            exp,
            scope = "openid profile",
            username = "alice",
            preferred_username = "alice.p",
            email = "alice@example.com",
            email_verified = true,
            name = "Alice",
            aud = new[] { "a", "b" },
        });

        var (subject, error) = await Validate(Implementation());

        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
        Assert.Equal("https://idp.example", subject.Issuer);
        Assert.Equal("alice", subject.Username);
        Assert.Equal("alice@example.com", subject.Email);
        Assert.Equal("Alice", subject.DisplayName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), subject.ExpiresAt);
        Assert.Equal("openid profile", subject.Claims["scope"]);
        Assert.Equal("true", subject.Claims["email_verified"]);
        Assert.Equal(exp.ToString(System.Globalization.CultureInfo.InvariantCulture), subject.Claims["exp"]);
        Assert.False(subject.Claims.ContainsKey("aud")); // scalars only
    }

    [Fact]
    public async Task The_username_falls_back_to_preferred_username_and_an_unverified_email_is_dropped()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s", preferred_username = "sam", email = "sam@example.com" });

        var (subject, _) = await Validate(Implementation());

        Assert.Equal("sam", subject!.Username);
        Assert.Null(subject.Email);
        Assert.Null(subject.ExpiresAt);
    }

    [Fact]
    public async Task Without_iss_the_issuer_is_the_configured_one_else_the_endpoint()
    {
        var (configured, _) = await Validate(Implementation(Trust(t => t with { Issuer = "https://configured.example" })));
        var (fallback, _) = await Validate(Implementation(), "another-token");

        Assert.Equal("https://configured.example", configured!.Issuer);
        Assert.Equal(Endpoint, fallback!.Issuer);
    }

    [Fact]
    public async Task An_inactive_token_is_refused()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = false });

        AssertRefused(await Validate(Implementation()), OAuthErrorCodes.InvalidRequest, "subject_token is not active");
    }

    [Fact]
    public async Task An_active_token_without_a_subject_is_refused()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, scope = "api" });

        AssertRefused(await Validate(Implementation()), OAuthErrorCodes.InvalidRequest, "the identity provider returned no subject");
    }

    [Fact]
    public async Task An_active_token_whose_exp_has_passed_is_refused()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s", exp = Exp(TimeSpan.FromSeconds(-1)) });

        AssertRefused(await Validate(Implementation()), OAuthErrorCodes.InvalidRequest, "subject_token has expired");
    }

    [Fact]
    public async Task An_answer_without_the_active_flag_is_a_server_error()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { sub = "s" });

        AssertRefused(await Validate(Implementation()), OAuthErrorCodes.ServerError);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_or_too_large_is_a_server_error()
    {
        var implementation = Implementation();
        idp.Answer = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>") };
        var html = await Validate(implementation);
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s", padding = new string('x', IntrospectionImplementation.MaxResponseBytes) });
        var large = await Validate(implementation);

        AssertRefused(html, OAuthErrorCodes.ServerError);
        AssertRefused(large, OAuthErrorCodes.ServerError);
    }

    [Fact]
    public async Task When_audiences_are_configured_the_answer_must_name_one()
    {
        idp.Answer = r => IntrospectionHttpHandler.Json(r.Form["token"] == "ours"
            ? new { active = true, sub = "s", aud = (object)new[] { "other", "token-exchange" } }
            : new { active = true, sub = "s", aud = (object)"someone-else" });
        var implementation = Implementation(audiences: ["token-exchange"]);

        var (ours, error) = await Validate(implementation, "ours");
        var theirs = await Validate(implementation, "theirs");

        Assert.Null(error);
        Assert.Equal("s", ours!.Subject);
        AssertRefused(theirs, OAuthErrorCodes.InvalidRequest, "subject_token audience is not accepted by this handler");
    }

    [Fact]
    public async Task The_request_is_a_form_post_with_our_client_credentials_as_http_basic()
    {
        var implementation = Implementation(Trust(t => t with { ClientId = "token exchange:1", ClientSecret = "s3cr+t/é" }));

        await Validate(implementation);

        var request = Assert.Single(idp.Received);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri(Endpoint), request.Uri);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(new Dictionary<string, string> { ["token"] = Token, ["token_type_hint"] = "access_token" }, request.Form);
        // RFC 6749 section 2.3.1: id and secret each form-urlencoded before they are joined and base64-encoded.
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("token+exchange%3A1:s3cr%2Bt%2F%C3%A9")), request.Authorization);
    }

    [Fact]
    public async Task An_active_answer_is_cached_until_the_tokens_exp()
    {
        var exp = Exp(TimeSpan.FromMinutes(1));
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s", exp });
        var implementation = Implementation();

        await Validate(implementation);
        time.Advance(TimeSpan.FromSeconds(59));
        var cached = await Validate(implementation);
        var callsWhileCached = idp.Requests;
        time.Advance(TimeSpan.FromSeconds(1));
        var afterExp = await Validate(implementation);

        Assert.Equal("s", cached.Subject!.Subject);
        Assert.Equal(1, callsWhileCached);
        Assert.Equal(2, idp.Requests);
        AssertRefused(afterExp, OAuthErrorCodes.InvalidRequest, "subject_token has expired");
    }

    [Fact]
    public async Task An_active_answer_is_cached_at_most_max_cache_for()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s", exp = Exp(TimeSpan.FromHours(8)) });
        var implementation = Implementation(Trust(t => t with { MaxCacheFor = TimeSpan.FromMinutes(2) }));

        await Validate(implementation);
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        await Validate(implementation);
        var callsWhileCached = idp.Requests;
        time.Advance(TimeSpan.FromSeconds(1));
        await Validate(implementation);

        Assert.Equal(1, callsWhileCached);
        Assert.Equal(2, idp.Requests);
    }

    [Fact]
    public async Task An_inactive_answer_is_cached_briefly()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = false });
        var implementation = Implementation(Trust(t => t with { NegativeCacheFor = TimeSpan.FromSeconds(5) }));

        await Validate(implementation);
        time.Advance(TimeSpan.FromSeconds(4));
        var cached = await Validate(implementation);
        var callsWhileCached = idp.Requests;
        time.Advance(TimeSpan.FromSeconds(1));
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s" });
        var (later, _) = await Validate(implementation);

        AssertRefused(cached, OAuthErrorCodes.InvalidRequest, "subject_token is not active");
        Assert.Equal(1, callsWhileCached);
        Assert.Equal("s", later!.Subject);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_failing_endpoint_is_temporarily_unavailable_and_not_cached(HttpStatusCode status)
    {
        idp.Answer = _ => new HttpResponseMessage(status);
        var implementation = Implementation();

        var first = await Validate(implementation);
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = true, sub = "s" });
        var (second, _) = await Validate(implementation);

        AssertRefused(first, OAuthErrorCodes.TemporarilyUnavailable);
        Assert.Equal("s", second!.Subject);
        Assert.Equal(2, idp.Requests);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_temporarily_unavailable()
    {
        using var refusing = new HttpClient(new RefusingHandler());
        var implementation = new IntrospectionImplementation(new HandlerDefinition
        {
            Name = "opaque-idp",
            Implementation = HandlerImplementations.Introspection,
            Introspection = Trust(),
        }, refusing, time, NullLogger.Instance, new TokenExchangeMetrics(meters));

        AssertRefused(await Validate(implementation), OAuthErrorCodes.TemporarilyUnavailable, "the identity provider cannot be reached");
        Assert.Equal(0, implementation.Cache.Count);
    }

    [Fact]
    public async Task An_endpoint_slower_than_the_timeout_is_temporarily_unavailable_and_not_cached()
    {
        idp.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var implementation = Implementation();

        var pending = Validate(implementation);
        await idp.FirstRequest.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        AssertRefused(result, OAuthErrorCodes.TemporarilyUnavailable);
        Assert.Equal(0, implementation.Cache.Count);
    }

    [Fact]
    public async Task Credentials_the_endpoint_refuses_are_a_server_error_not_an_inactive_token()
    {
        idp.Answer = _ => new HttpResponseMessage(HttpStatusCode.Unauthorized);
        var implementation = Implementation();

        AssertRefused(await Validate(implementation), OAuthErrorCodes.ServerError);
        Assert.Equal(0, implementation.Cache.Count);
    }

    [Fact]
    public async Task Concurrent_exchanges_of_one_token_share_one_call()
    {
        idp.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var implementation = Implementation();

        // Each validation joins the in-flight call before ValidateAsync returns its task.
        var waiting = Enumerable.Range(0, 20).Select(_ => Validate(implementation)).ToArray();
        await idp.FirstRequest.WaitAsync(TimeSpan.FromSeconds(10));
        var callsWhileWaiting = idp.Requests;
        var finishedEarly = waiting.Count(t => t.IsCompleted);
        idp.Gate.SetResult();
        var results = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, callsWhileWaiting);
        Assert.Equal(0, finishedEarly);
        Assert.All(results, r => Assert.Equal("alice-ext-1", r.Subject!.Subject));
        Assert.Equal(1, idp.Requests);
    }

    [Fact]
    public async Task A_new_call_is_made_once_the_shared_one_has_finished_and_its_answer_expired()
    {
        idp.Answer = _ => IntrospectionHttpHandler.Json(new { active = false });
        var implementation = Implementation(Trust(t => t with { NegativeCacheFor = TimeSpan.Zero }));

        await Validate(implementation);
        await Validate(implementation);

        Assert.Equal(2, idp.Requests);
        Assert.Equal(0, implementation.Cache.Count);
    }

    [Fact]
    public async Task The_userinfo_mode_gets_the_endpoint_with_the_token_as_bearer()
    {
        idp.Answer = r => r.Authorization == "Bearer " + Token
            ? IntrospectionHttpHandler.Json(new { sub = "alice-ext-1", email = "alice@example.com", email_verified = true })
            : new HttpResponseMessage(HttpStatusCode.Unauthorized);
        var implementation = Implementation(Trust(t => t with { UseUserinfo = true, ClientId = null, ClientSecret = null }));

        var (subject, error) = await Validate(implementation);
        var refused = await Validate(implementation, "revoked-token");

        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
        Assert.Equal("alice@example.com", subject.Email);
        Assert.Equal(HttpMethod.Get, idp.Received[0].Method);
        Assert.Null(idp.Received[0].Body);
        AssertRefused(refused, OAuthErrorCodes.InvalidRequest, "subject_token is not active");
    }

    [Fact]
    public async Task The_cache_holds_at_most_max_entries_and_makes_room_as_answers_expire()
    {
        var implementation = Implementation(Trust(t => t with { MaxCacheEntries = 2, MaxCacheFor = TimeSpan.FromMinutes(1) }));

        await Validate(implementation, "t1");
        await Validate(implementation, "t2");
        await Validate(implementation, "t3");
        var full = implementation.Cache.Count;
        await Validate(implementation, "t3");
        var callsWhenFull = idp.Requests;
        time.Advance(TimeSpan.FromMinutes(1));
        await Validate(implementation, "t4");
        await Validate(implementation, "t4");

        Assert.Equal(2, full);
        Assert.Equal(4, callsWhenFull); // t3 was not kept
        Assert.Equal(5, idp.Requests); // t4 was, once the expired answers were dropped
        Assert.Equal(1, implementation.Cache.Count);
    }

    [Fact]
    public async Task The_cache_is_keyed_by_the_tokens_hash_never_the_token()
    {
        var implementation = Implementation();

        await Validate(implementation);

        var key = Assert.Single(implementation.Cache.Keys);
        Assert.DoesNotContain(Token, key, StringComparison.Ordinal);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Token))).TrimEnd('=').Replace('+', '-').Replace('/', '_'), key);
    }

    [Fact]
    public async Task User_mapping_follows_the_definitions_rule()
    {
        var users = new HandlerUserDirectory(new InMemoryUserDirectory(Alice));
        idp.Answer = r => IntrospectionHttpHandler.Json(new { active = true, sub = r.Form["token"] == Token ? "alice-ext-1" : "bob-ext-2", name = "Someone" });
        var implementation = Implementation();

        var (existing, _) = await implementation.MapUserAsync(Request((await Validate(implementation)).Subject!), users, CancellationToken.None);
        var (created, _) = await implementation.MapUserAsync(Request((await Validate(implementation, "bobs-token")).Subject!), users, CancellationToken.None);

        Assert.Equal("u-alice", existing!.UserId);
        Assert.Equal("bob-ext-2", created!.NewUser!.FederationId);
        Assert.Equal("Someone", created.NewUser.DisplayName);

        static SubjectUserRequest Request(ValidatedSubject subject) => new() { HandlerName = "opaque-idp", ClientId = "app", AllowUserCreation = true, Subject = subject };
    }

    [Fact]
    public async Task Counts_cache_hits_and_misses_and_each_call_by_outcome()
    {
        using var lookups = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.introspection.cache.lookups");
        using var calls = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.introspection.calls");
        idp.Answer = request => IntrospectionHttpHandler.Json(new { active = true, sub = "alice-ext-1" });
        var implementation = Implementation();

        await Validate(implementation);
        await Validate(implementation);
        await Validate(implementation);
        idp.Answer = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        await Validate(implementation, "another-opaque-token");

        Assert.Equal(2, Sum(lookups, "result", "miss"));
        Assert.Equal(2, Sum(lookups, "result", "hit"));
        Assert.Equal(1, Sum(calls, "outcome", "active"));
        Assert.Equal(1, Sum(calls, "outcome", "unavailable"));
        Assert.All(lookups.GetMeasurementSnapshot(), m => Assert.Equal("opaque-idp", m.Tags["handler"]));

        static long Sum(MetricCollector<long> collector, string tag, string value) =>
            collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags[tag], value)).Sum(m => m.Value);
    }

    [Fact]
    public async Task The_compiler_builds_an_introspection_handler_and_can_hand_its_answers_to_the_next_compile()
    {
        var compiler = new HandlerCompiler(http, null, new JwksCachePolicy(), HandlerTypeCatalog.Empty, time, NullLoggerFactory.Instance, new TokenExchangeMetrics(meters));
        var definition = new HandlerDefinition { Name = "opaque-idp", Implementation = HandlerImplementations.Introspection, Introspection = Trust() };
        var exchange = new AuthorizedExchange
        {
            App = new AppDefinition { ClientId = "app" },
            Enablement = new HandlerAppEnablement { ClientId = "app" },
            HandlerName = "opaque-idp",
            SubjectToken = Token,
            SubjectTokenType = TokenTypes.AccessToken,
            RequestedTokenType = TokenTypes.AccessToken,
        };
        var sessions = new NoSessions();
        var pipeline = new ExchangePipeline(new ExchangeLimits());

        var first = compiler.Compile(definition);
        await pipeline.ExchangeAsync(exchange, first, sessions, null!, CancellationToken.None);
        var recompiled = compiler.Compile(definition with { Label = "changed" }, reuseAnswers: first.Introspection);
        await pipeline.ExchangeAsync(exchange, recompiled, sessions, null!, CancellationToken.None);

        Assert.Null(compiler.CheckImplementation(definition));
        Assert.Same(first.Introspection, recompiled.Introspection);
        Assert.Equal(1, idp.Requests);
        Assert.Equal(2, sessions.Calls);
        Assert.Throws<InvalidOperationException>(() => compiler.Compile(definition with { Introspection = null }));
    }

    /// <summary>Refuses every user resolution: enough to see the handler validate before it asks for a user.</summary>
    private sealed class NoSessions : ISubjectSessions
    {
        public int Calls { get; private set; }

        public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            return ValueTask.FromResult(new UserResolution(null, Errors.InvalidGrant("no user")));
        }

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) => throw new InvalidOperationException("no tokens are issued here");
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (idp.example:443)"));
    }
}
