using System.Collections.Immutable;
using System.Net;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Exchange;
using TokenExchange.Silo;
using TokenExchange.Silo.Handlers;

namespace TokenExchange.Grains.Tests.Silo;

/// <summary>
/// Which failed grain calls are repeated (their silo died or is leaving) and which are not, and that the
/// request's deadline ends the repeating with an answer the front door reports as temporarily_unavailable.
/// </summary>
public sealed class GrainCallRetryTests
{
    private static readonly SiloAddress Survivor = SiloAddress.New(IPAddress.Loopback, 11111, 1);
    private static readonly SiloAddress Victim = SiloAddress.New(IPAddress.Loopback, 11112, 1);

    private readonly Membership membership = new();

    private GrainCallRetry Retry(TimeSpan? requestTimeout = null, TimeProvider? clock = null) =>
        new(membership, Options.Create(new TokenExchangeSiloOptions { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5) }), clock ?? TimeProvider.System, NullLogger<GrainCallRetry>.Instance);

    public static TheoryData<string> SiloGone => new() { "unavailable", "rejected", "connection", "inconsistent", "directory unstable", "directory hop limit" };

    private static Exception Failure(string kind) => kind switch
    {
        "unavailable" => new SiloUnavailableException(),
        "rejected" => Rejection("the silo is shutting down", null),
        "connection" => Rejection("Exception while sending message", new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect")),
        "inconsistent" => new Orleans.Storage.InconsistentStateException("etag mismatch"),
        // LocalGrainDirectory's words while a silo leaves or joins, as the caller receives them (the rejection's exception).
        "directory unstable" => new OrleansException($"Current directory at {Survivor} is not stable to perform the lookup for grainId sessions/app/subject (it maps to {Victim}, which is not a valid silo). Retry later."),
        "directory hop limit" => new OrleansException($"Silo {Survivor} is not owner of sessions/app/subject, cannot forward LookUpAsync to owner {Victim} because hop limit is reached"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Orleans makes these itself (their constructors are internal), as a silo that rejects a message does.</summary>
    private static OrleansMessageRejectionException Rejection(string message, Exception? inner) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null,
            inner is null ? [message] : [message, inner], null)!;

    [Theory]
    [MemberData(nameof(SiloGone))]
    public async Task A_call_that_failed_because_its_silo_is_gone_is_repeated_until_it_succeeds(string kind)
    {
        var attempts = 0;

        var result = await Retry().CallAsync(() => ++attempts < 3 ? Task.FromException<string>(Failure(kind)) : Task.FromResult("answer"), CancellationToken.None);

        Assert.Equal("answer", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_rejection_because_the_grains_storage_failed_is_not_repeated()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<OrleansMessageRejectionException>(() => Retry().CallAsync<string>(
            () => { attempts++; throw Rejection("Failed to activate grain. Orleans.Runtime.OrleansException: Error from storage provider AdoNetGrainStorage", null); }, CancellationToken.None).AsTask());

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Other_failures_are_not_repeated()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Retry().CallAsync<string>(() => { attempts++; throw new InvalidOperationException("a bug"); }, CancellationToken.None).AsTask());

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Other_orleans_exceptions_are_neither_repeated_nor_temporary()
    {
        var attempts = 0;
        var failure = new OrleansException("Missing attribute mapper for attribute X used in grain constructor for grain type y.");

        await Assert.ThrowsAsync<OrleansException>(() => Retry().CallAsync<string>(() => { attempts++; throw failure; }, CancellationToken.None).AsTask());

        Assert.Equal(1, attempts);
        Assert.Equal(OAuthErrorCodes.ServerError, OrleansFailures.ToOAuthError(failure).Code);
    }

    [Theory]
    [InlineData("directory unstable")]
    [InlineData("directory hop limit")]
    public void A_directory_that_has_not_caught_up_with_the_membership_is_temporarily_unavailable_when_the_deadline_passes(string kind) =>
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(Failure(kind)).Code);

    /// <summary>
    /// The directory's failures are told apart by their text only: should an Orleans upgrade reword them, this
    /// fails instead of a rolling restart answering server_error again. The texts are literals of the runtime.
    /// </summary>
    [Fact]
    public void The_orleans_runtime_in_use_still_words_its_directory_failures_as_they_are_recognized()
    {
        using var image = new PEReader(File.OpenRead(typeof(Orleans.Configuration.GrainDirectoryOptions).Assembly.Location));
        var metadata = image.GetMetadataReader();
        var literals = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            literals.Add(metadata.GetUserString(handle));
        }

        Assert.All(OrleansFailures.DirectoryInTransitionTexts, text => Assert.Contains(literals, literal => literal.Contains(text, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_response_timeout_is_repeated_only_when_a_silo_was_declared_dead_meanwhile()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => Retry().CallAsync<string>(() => { attempts++; throw new TimeoutException(); }, CancellationToken.None).AsTask());
        Assert.Equal(1, attempts);

        attempts = 0;
        var result = await Retry().CallAsync(() =>
        {
            if (++attempts > 1) return Task.FromResult("answer");
            membership.Declare(Victim, SiloStatus.Dead);
            return Task.FromException<string>(new TimeoutException());
        }, CancellationToken.None);
        Assert.Equal("answer", result);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task When_the_request_timeout_passes_the_last_failure_is_the_answer_and_it_is_temporarily_unavailable()
    {
        var attempts = 0;
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<SiloUnavailableException>(() =>
            Retry(TimeSpan.FromMilliseconds(300)).CallAsync<string>(() => { attempts++; throw new SiloUnavailableException(); }, CancellationToken.None).AsTask());

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.True(attempts > 1);
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
    }

    [Fact]
    public async Task A_call_that_hangs_is_abandoned_at_the_callers_deadline_as_temporarily_unavailable()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var hanging = new TaskCompletionSource<string>();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Retry().CallAsync(() => hanging.Task, deadline.Token).AsTask());

        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
    }

    /// <summary>
    /// With the default budget, Orleans' response timeout is the budget (GrainCallTimeout) and ends a first attempt
    /// nobody answers (GrainSubjectSessionsTests): GrainCallRetry sets no timer of its own, so on a clock past the
    /// budget the call is still awaited, and its answer is the answer.
    /// </summary>
    [Fact]
    public async Task A_call_that_takes_the_callers_token_is_awaited_as_it_is_on_its_first_attempt_when_orleans_bounds_it()
    {
        var clock = new FakeTimeProvider();
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = Retry(TokenExchangeSiloOptions.DefaultRequestTimeout, clock).CallAsync(static (answer, _) => new ValueTask<string>(answer.Task), answer, CancellationToken.None).AsTask();
        clock.Advance(TokenExchangeSiloOptions.DefaultRequestTimeout * 2);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        answer.SetResult("answer");

        Assert.Equal("answer", await call);
    }

    /// <summary>
    /// Orleans' response timeout ending a first attempt it bounds (no silo died meanwhile) is the request's deadline: the
    /// same abandonment, in the same words, as the budget's own wait; it is not repeated.
    /// </summary>
    [Fact]
    public async Task Orleans_response_timeout_on_a_first_attempt_it_bounds_is_the_requests_deadline()
    {
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Retry(TokenExchangeSiloOptions.DefaultRequestTimeout).CallAsync((_, _) =>
        {
            attempts++;
            return ValueTask.FromException<string>(new TimeoutException("Response did not arrive on time in 00:00:10 for message: Request [S127.0.0.1:11111:1 sys.client/x]->[sessions/partner|https%3A%2F%2Fidp|alice]"));
        }, 0, CancellationToken.None).AsTask());

        Assert.Equal(1, attempts);
        Assert.StartsWith("no answer from the cluster within the request's deadline", failure.Message);
        Assert.DoesNotContain("alice", failure.Message);
    }

    /// <summary>A budget below Orleans' response timeout (which never goes under 10 s) is kept by GrainCallRetry's own wait.</summary>
    [Fact]
    public async Task A_call_that_takes_the_callers_token_is_abandoned_at_a_budget_shorter_than_orleans_timeout()
    {
        var clock = new FakeTimeProvider();
        var hanging = new TaskCompletionSource<string>();
        var budget = TimeSpan.FromSeconds(2);
        Assert.True(new TokenExchangeSiloOptions { RequestTimeout = budget }.GrainCallTimeout > budget);

        var call = Retry(budget, clock).CallAsync(static (hanging, _) => new ValueTask<string>(hanging.Task), hanging, CancellationToken.None).AsTask();
        clock.Advance(budget + TimeSpan.FromMilliseconds(1));

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
    }

    [Theory]
    [InlineData(0.1, 10)]
    [InlineData(5, 10)]
    [InlineData(10, 10)]
    [InlineData(45, 45)]
    public void Orleans_response_timeout_is_the_request_timeout_but_never_below_10_seconds(double requestSeconds, double grainCallSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(grainCallSeconds), new TokenExchangeSiloOptions { RequestTimeout = TimeSpan.FromSeconds(requestSeconds) }.GrainCallTimeout);

    [Fact]
    public async Task A_call_that_takes_the_callers_token_is_abandoned_when_the_token_is_cancelled()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var hanging = new TaskCompletionSource<string>();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            Retry().CallAsync(static (hanging, token) => new ValueTask<string>(hanging.Task.WaitAsync(token)), hanging, deadline.Token).AsTask());

        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
    }

    [Fact]
    public async Task A_repeat_of_a_call_that_takes_the_callers_token_waits_at_most_the_budget_left()
    {
        var attempts = 0;
        var hanging = new TaskCompletionSource<string>();
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<TimeoutException>(() => Retry(TimeSpan.FromMilliseconds(300)).CallAsync((_, _) =>
            ++attempts == 1 ? ValueTask.FromException<string>(new SiloUnavailableException()) : new ValueTask<string>(hanging.Task), 0, CancellationToken.None).AsTask());

        Assert.Equal(2, attempts);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    /// <summary>Membership as a test declares it: two silos, one of which may be declared dead.</summary>
    private sealed class Membership : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = Snapshot(1, SiloStatus.Active);

        public void Declare(SiloAddress silo, SiloStatus status) => CurrentSnapshot = Snapshot(CurrentSnapshot.Version.Value + 1, status);

        private static ClusterMembershipSnapshot Snapshot(long version, SiloStatus victim) => new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty
                .Add(Survivor, new ClusterMember(Survivor, SiloStatus.Active, "survivor"))
                .Add(Victim, new ClusterMember(Victim, victim, "victim")),
            new MembershipVersion(version));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }
}
