using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Exchange.Rules;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange;

/// <summary>
/// The pipeline's second half in order (validate the subject, the actor, delegation, resolve the user, mint): each
/// rule's refusal ends the exchange before the next rule runs. The first half is in <see cref="ExchangePipelineAuthorizeTests"/>.
/// </summary>
public sealed class ExchangePipelineTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserRecord Alice = new() { Id = "u-alice", FederationId = "alice" };

    private readonly TestMeterFactory meters = new();
    private readonly FakeHandlerImplementation implementation = new();
    private readonly Sessions sessions = new();
    private readonly ExchangePipeline pipeline = new(new ExchangeLimits());
    private readonly TokenMinter minter;
    private readonly CompiledHandler handler;
    private readonly MetricCollector<double> validations;

    public ExchangePipelineTests()
    {
        var metrics = new TokenExchangeMetrics(meters);
        handler = new CompiledHandler(new HandlerDefinition { Name = "partner-idp" }, implementation, metrics);
        minter = new TokenMinter(new FixedKeys(new SigningKeyRing([SigningKey.Generate()])), new ClusterIssuer("https://tx.test"), new FakeTimeProvider(Now));
        validations = new MetricCollector<double>(meters, TokenExchangeTelemetry.Name, "tokenexchange.validation.duration");
    }

    public void Dispose()
    {
        validations.Dispose();
        meters.Dispose();
    }

    private static AuthorizedExchange WithActor() => Authorized() with { ActorToken = "actor.token.value", ActorTokenType = TokenTypes.AccessToken };

    private Task<ExchangeOutcome> Run(AuthorizedExchange exchange) => pipeline.ExchangeAsync(exchange, handler, sessions, minter, CancellationToken.None).AsTask();

    [Fact]
    public async Task A_valid_subject_is_resolved_to_its_user_and_tokens_are_minted_for_its_session()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", Now.AddMinutes(2)), null);

        var outcome = await Run(Authorized());

        Assert.Null(outcome.Error);
        Assert.Equal("u-alice", outcome.UserId);
        Assert.Equal(120, outcome.Tokens!.ExpiresIn);
        var jwt = new JsonWebToken(outcome.Tokens.AccessToken);
        Assert.Equal(SubjectSessionKey.SessionId(SubjectSessionKey.For("partner-idp", "https://idp.example", "alice")), jwt.GetPayloadValue<string>("sid"));
        Assert.False(jwt.TryGetPayloadValue<object>("act", out _));
        var asked = Assert.Single(sessions.Asked);
        Assert.Equal("alice", asked.Subject.Subject);
        Assert.Equal("partner-idp", asked.HandlerName);
        var timing = Assert.Single(validations.GetMeasurementSnapshot());
        Assert.Equal("valid", timing.Tags["outcome"]);
    }

    [Fact]
    public async Task A_refused_subject_token_ends_the_exchange_before_the_actor_and_the_session()
    {
        var refusal = Errors.InvalidRequest("subject_token is expired");
        implementation.Answers["subject.token.value"] = (null, refusal);

        var outcome = await Run(WithActor());

        Assert.Same(refusal, outcome.Error);
        Assert.Single(implementation.Validated);
        Assert.Empty(sessions.Asked);
        Assert.Equal("invalid", Assert.Single(validations.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task A_refused_actor_token_ends_the_exchange_before_the_session_with_one_timing_for_both_tokens()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice"), null);
        implementation.Answers["actor.token.value"] = (null, Errors.InvalidRequest("subject_token is expired"));

        var outcome = await Run(WithActor());

        AssertError(outcome.Error, OAuthErrorCodes.InvalidRequest, "actor_token: actor_token is expired");
        Assert.Equal(2, implementation.Validated.Count);
        Assert.Empty(sessions.Asked);
        Assert.Equal("invalid", Assert.Single(validations.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public async Task An_actor_the_subject_token_does_not_allow_ends_the_exchange_before_the_session()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", claims: new() { ["may_act"] = """{"sub":"someone-else"}""" }), null);
        implementation.Answers["actor.token.value"] = (FakeHandlerImplementation.Subject("service"), null);

        var outcome = await Run(WithActor());

        AssertError(outcome.Error, OAuthErrorCodes.InvalidRequest, "the actor is not allowed to act for this subject");
        Assert.Empty(sessions.Asked);
    }

    [Fact]
    public async Task An_actor_acts_in_the_minted_token_which_ends_with_the_earlier_of_the_two_tokens()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", Now.AddMinutes(3)), null);
        implementation.Answers["actor.token.value"] = (FakeHandlerImplementation.Subject("service", Now.AddMinutes(1)), null);

        var outcome = await Run(WithActor());

        Assert.Null(outcome.Error);
        Assert.Equal(60, outcome.Tokens!.ExpiresIn);
        Assert.True(new JsonWebToken(outcome.Tokens.AccessToken).TryGetPayloadValue<Dictionary<string, object>>("act", out var act));
        Assert.Equal("service", act["sub"].ToString());
    }

    [Fact]
    public async Task The_sessions_refusal_is_the_exchanges_answer()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice"), null);
        sessions.Refusal = Errors.InvalidGrant("no user maps to the subject");

        var outcome = await Run(Authorized());

        Assert.Same(sessions.Refusal, outcome.Error);
        Assert.Null(outcome.Tokens);
    }

    [Fact]
    public async Task The_refresh_token_the_session_issued_comes_with_the_access_token()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice"), null);
        sessions.RefreshToken = "refresh-token-value";
        var app = App() with { RefreshTokens = new RefreshTokenPolicy { Enabled = true } };

        var outcome = await Run(Authorized(app) with { IssueRefreshToken = true });

        Assert.Equal("refresh-token-value", outcome.Tokens!.RefreshToken);
        Assert.NotNull(Assert.Single(sessions.Asked).Refresh);
    }

    [Fact]
    public async Task A_refused_subject_token_and_a_refused_session_mark_their_spans_failed()
    {
        var stopped = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == TokenExchangeTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) stopped.Add(activity); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        implementation.Answers["subject.token.value"] = (null, Errors.InvalidRequest("subject_token is expired"));
        implementation.Answers["other.subject.token"] = (FakeHandlerImplementation.Subject("bob"), null);
        sessions.Refusal = Errors.InvalidGrant("no user maps to the subject");

        // Tests run in parallel: this test's spans are the children of a root of its own.
        using var root = new System.Diagnostics.Activity("exchange-pipeline-test").Start();
        await Run(Authorized());
        await Run(Authorized() with { SubjectToken = "other.subject.token" });

        System.Diagnostics.Activity[] spans;
        lock (stopped) spans = [.. stopped.Where(a => a.RootId == root.RootId)];
        var validations = spans.Where(a => a.OperationName == TokenExchangeTelemetry.Spans.Validate).ToArray();
        Assert.Equal(2, validations.Length);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, validations[0].GetTagItem("tokenexchange.error"));
        Assert.Null(validations[1].GetTagItem("tokenexchange.error"));
        var session = Assert.Single(spans, a => a.OperationName == TokenExchangeTelemetry.Spans.Session);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, session.GetTagItem("tokenexchange.error"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task No_step_resumes_on_the_callers_synchronization_context(int answeringLater)
    {
        // Core is a library: its continuations never queue onto a host's context, where they could deadlock. The
        // steps before the one answering later answer at once, so that step awaits on the caller's thread and context.
        var answers = new[] { new TaskCompletionSource(), new TaskCompletionSource(), new TaskCompletionSource(), new TaskCompletionSource() };
        for (var step = 0; step < answers.Length; step++)
        {
            if (step != answeringLater) answers[step].SetResult();
        }
        var later = new LaterHandler(Then<(ValidatedSubject?, OAuthError?)>(answers[0].Task, (FakeHandlerImplementation.Subject("alice"), null)), Then<(ValidatedSubject?, OAuthError?)>(answers[1].Task, (FakeHandlerImplementation.Subject("service"), null)));
        var laterSessions = new LaterSessions(Then(answers[2].Task, new UserResolution(Alice, null)), answers[3].Task);
        var opaque = App() with { AccessToken = new AccessTokenPolicy { Format = OpaqueAccessTokens.Format } };
        var exchange = Authorized(opaque) with { ActorToken = "actor.token.value", ActorTokenType = TokenTypes.AccessToken };
        var callersContext = new CountingContext();
        var previous = SynchronizationContext.Current;
        Task<ExchangeOutcome> running;
        SynchronizationContext.SetSynchronizationContext(callersContext);
        try
        {
            running = pipeline.ExchangeAsync(exchange, new CompiledHandler(new HandlerDefinition { Name = "partner-idp" }, later, new TokenExchangeMetrics(meters)),
                laterSessions, minter, CancellationToken.None).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        answers[answeringLater].SetResult();

        var outcome = await running;

        Assert.Null(outcome.Error);
        Assert.Equal(0, callersContext.Posts);
    }

    /// <summary>The value once <paramref name="answered"/> completes: at once when it has (a completed task), else later.</summary>
    private static Task<T> Then<T>(Task answered, T value) =>
        answered.IsCompleted ? Task.FromResult(value) : answered.ContinueWith(_ => value, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private sealed class LaterHandler(Task<(ValidatedSubject?, OAuthError?)> subject, Task<(ValidatedSubject?, OAuthError?)> actor) : IHandlerImplementation
    {
        public ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken) =>
            new(exchange.SubjectToken == "actor.token.value" ? actor : subject);

        public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not a mapping test");
    }

    private sealed class LaterSessions(Task<UserResolution> user, Task stored) : ISubjectSessions
    {
        public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken) => new(user);

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) => stored;
    }

    private sealed class CountingContext : SynchronizationContext
    {
        private int posts;

        public int Posts => Volatile.Read(ref posts);

        public override void Post(SendOrPostCallback callback, object? state)
        {
            Interlocked.Increment(ref posts);
            base.Post(callback, state);
        }
    }

    private sealed class Sessions : ISubjectSessions
    {
        public List<SubjectUserRequest> Asked { get; } = [];
        public OAuthError? Refusal { get; set; }
        public string? RefreshToken { get; set; }

        public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
        {
            Asked.Add(request);
            return ValueTask.FromResult(Refusal is null
                ? new UserResolution(Alice, null) { RefreshToken = RefreshToken, RefreshExpiresAt = Now.AddHours(1) }
                : new UserResolution(null, Refusal));
        }

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = ring;
    }
}
