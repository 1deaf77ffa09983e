using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class ActorTokenValidationTests
{
    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeHandlerImplementation handler = new();

    private static AuthorizedExchange WithActor() => Authorized() with { ActorToken = "actor.token.value", ActorTokenType = TokenTypes.Jwt };

    [Fact]
    public async Task Without_an_actor_token_there_is_no_actor_and_nothing_is_validated()
    {
        var (actor, error) = await ActorTokenValidation.ValidateAsync(handler, Authorized(), CancellationToken.None);

        Assert.Null(actor);
        Assert.Null(error);
        Assert.Empty(handler.Validated);
    }

    [Fact]
    public async Task The_actor_token_passes_the_same_handler_as_a_subject_token_of_its_own_type()
    {
        var service = FakeHandlerImplementation.Subject("service");
        handler.Answers["actor.token.value"] = (service, null);

        var (actor, error) = await ActorTokenValidation.ValidateAsync(handler, WithActor(), CancellationToken.None);

        Assert.Null(error);
        Assert.Same(service, actor);
        var asked = Assert.Single(handler.Validated);
        Assert.Equal("actor.token.value", asked.SubjectToken);
        Assert.Equal(TokenTypes.Jwt, asked.SubjectTokenType);
        Assert.Equal("partner-idp", asked.HandlerName);
    }

    [Fact]
    public async Task A_refused_actor_token_is_named_in_the_error_with_code_and_reason_kept()
    {
        handler.Answers["actor.token.value"] = (FakeHandlerImplementation.Subject("ignored"), Errors.InvalidRequest("subject_token is expired; subject_token again", "exp in the past"));

        var (actor, error) = await ActorTokenValidation.ValidateAsync(handler, WithActor(), CancellationToken.None);

        Assert.Null(actor);
        AssertError(error, OAuthErrorCodes.InvalidRequest, "actor_token: actor_token is expired; actor_token again");
        Assert.Equal("exp in the past", error!.Reason);
    }

    [Fact]
    public async Task A_handler_answering_later_is_awaited_without_the_callers_synchronization_context()
    {
        // Core is a library: its continuations never queue onto a host's context (a UI or a plugin host's), where they could deadlock.
        var answer = new TaskCompletionSource<(ValidatedSubject?, OAuthError?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var callersContext = new CountingContext();
        Task<(ValidatedSubject? Actor, OAuthError? Error)> validating;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(callersContext);
        try
        {
            validating = ActorTokenValidation.ValidateAsync(new Later(answer.Task), WithActor(), CancellationToken.None).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        answer.SetResult((FakeHandlerImplementation.Subject("service"), null));
        var (actor, error) = await validating;

        Assert.Null(error);
        Assert.Equal("service", actor!.Subject);
        Assert.Equal(0, callersContext.Posts);
    }

    [Fact]
    public void Without_an_actor_the_subjects_expiry_holds()
    {
        Assert.Equal(Noon, ActorTokenValidation.EarlierExpiry(FakeHandlerImplementation.Subject("alice", Noon), null));
        Assert.Null(ActorTokenValidation.EarlierExpiry(FakeHandlerImplementation.Subject("alice"), null));
    }

    [Fact]
    public void An_actor_without_expiry_leaves_the_subjects()
    {
        Assert.Equal(Noon, ActorTokenValidation.EarlierExpiry(FakeHandlerImplementation.Subject("alice", Noon), FakeHandlerImplementation.Subject("service")));
    }

    [Fact]
    public void The_earlier_of_the_subjects_and_the_actors_expiry_holds()
    {
        var alice = FakeHandlerImplementation.Subject("alice", Noon);

        Assert.Equal(Noon.AddSeconds(-1), ActorTokenValidation.EarlierExpiry(alice, FakeHandlerImplementation.Subject("service", Noon.AddSeconds(-1))));
        Assert.Equal(Noon, ActorTokenValidation.EarlierExpiry(alice, FakeHandlerImplementation.Subject("service", Noon.AddSeconds(1))));
        Assert.Equal(Noon, ActorTokenValidation.EarlierExpiry(FakeHandlerImplementation.Subject("alice"), FakeHandlerImplementation.Subject("service", Noon)));
    }

    [Fact]
    public void On_a_tie_the_subjects_expiry_stands()
    {
        var sameInstantElsewhere = Noon.ToOffset(TimeSpan.FromHours(1));

        var expiry = ActorTokenValidation.EarlierExpiry(FakeHandlerImplementation.Subject("alice", Noon), FakeHandlerImplementation.Subject("service", sameInstantElsewhere));

        Assert.Equal(TimeSpan.Zero, expiry!.Value.Offset);
    }

    private sealed class Later(Task<(ValidatedSubject?, OAuthError?)> answer) : IHandlerImplementation
    {
        public ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken) => new(answer);

        public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not a mapping test");
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
}
