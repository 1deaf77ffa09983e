using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Sessions;
using TokenExchange.Silo;
using TokenExchange.Silo.Handlers;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Silo;

/// <summary>
/// The exchange's one grain call (<see cref="ISubjectSessions.ResolveUserAsync"/>) waits on no timer of its own: the
/// caller's token reaches Orleans, which stops the wait when it is cancelled, and Orleans' response timeout, which each
/// silo sets to the request timeout, ends a call nobody answers. Both against a session that does not answer
/// (<see cref="HangingSessions"/>), on a real cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainSubjectSessionsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_session_that_does_not_answer_is_abandoned_at_the_callers_deadline_as_temporarily_unavailable()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => ResolveAsync(deadline.Token));

        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
    }

    [Fact]
    public async Task Without_a_callers_deadline_a_session_that_does_not_answer_is_given_up_at_the_request_timeout()
    {
        var budget = cluster.Service<IOptions<TokenExchangeSiloOptions>>(0).Value.RequestTimeout;
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
            Assert.Equal(budget, cluster.Service<IOptions<SiloMessagingOptions>>(silo).Value.ResponseTimeout);
        var started = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => ResolveAsync(CancellationToken.None));

        // Orleans sweeps unanswered calls once a second; the session would have answered after HangingSessions.Hold.
        Assert.InRange(started.Elapsed, budget - TimeSpan.FromMilliseconds(100), budget + TimeSpan.FromSeconds(2.5));
        Assert.True(started.Elapsed < HangingSessions.Hold);
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, OrleansFailures.ToOAuthError(failure).Code);
        // Abandoned as the budget's own wait abandons a call, not Orleans' text (which names the message and the grain).
        Assert.StartsWith("no answer from the cluster within the request's deadline", failure.Message);
    }

    private async Task ResolveAsync(CancellationToken cancellationToken)
    {
        var subject = Unique(HangingSessions.Prefix);
        var request = new SubjectUserRequest
        {
            HandlerName = Partner,
            ClientId = Orders,
            AllowUserCreation = true,
            Subject = new ValidatedSubject { Subject = subject, Issuer = "https://idp.test", FederationId = subject, Claims = new Dictionary<string, string> { ["sub"] = subject } },
        };
        await cluster.Service<ISubjectSessions>(0).ResolveUserAsync(SubjectSessionKey.Utf8For(Partner, "https://idp.test", subject), request, cancellationToken);
    }
}
