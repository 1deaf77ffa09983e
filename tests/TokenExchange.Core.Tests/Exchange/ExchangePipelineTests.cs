using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Core.Tests.Exchange.Rules;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using TokenExchange.Handlers;
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

    private Task<ExchangeOutcome> Run(AuthorizedExchange exchange) => pipeline.ExchangeAsync(exchange, handler, sessions, minter, CancellationToken.None);

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

    private sealed class Sessions : ISubjectSessions
    {
        public List<SubjectUserRequest> Asked { get; } = [];
        public OAuthError? Refusal { get; set; }
        public string? RefreshToken { get; set; }

        public Task<UserResolution> ResolveUserAsync(SubjectUserRequest request, CancellationToken cancellationToken)
        {
            Asked.Add(request);
            return Task.FromResult(Refusal is null
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
