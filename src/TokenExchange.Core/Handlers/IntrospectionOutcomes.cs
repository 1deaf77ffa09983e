using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The ways an introspection call ends, each counted, logged and given the time it may be cached: an active
/// subject until its <c>exp</c> (the reader bounds it), a refused token for <see cref="IntrospectionTrust.NegativeCacheFor"/>,
/// a failure not at all (the exchange may be retried).
/// </summary>
internal sealed class IntrospectionOutcomes(HandlerDefinition definition, string endpointForLogs, TimeProvider time, ILogger logger, TokenExchangeMetrics metrics)
{
    private readonly TimeSpan negativeCacheFor = definition.Introspection!.NegativeCacheFor;

    /// <summary>The handler's name, for descriptions.</summary>
    public string Handler => definition.Name;

    public IntrospectionCache.Entry Active(ValidatedSubject subject, DateTimeOffset until)
    {
        metrics.IntrospectionCall(definition.Name, "active");
        return new IntrospectionCache.Entry(subject, null, until);
    }

    public IntrospectionCache.Entry Inactive(string key, string reason) => Refused(key, "subject_token is not active", reason);

    /// <summary>The IdP's answer refuses the token: kept briefly, since a refused token stays refused.</summary>
    public IntrospectionCache.Entry Refused(string key, string description, string reason)
    {
        metrics.IntrospectionCall(definition.Name, "inactive");
        logger.LogDebug("Handler {Handler} refused token {TokenHash}: {Reason}", definition.Name, key[..8], reason);
        return new IntrospectionCache.Entry(null, Errors.InvalidRequest(description, $"handler {definition.Name}: {reason}"), time.GetUtcNow() + negativeCacheFor);
    }

    /// <summary>The endpoint could not answer: the exchange may be retried, and nothing is cached.</summary>
    public IntrospectionCache.Entry Unavailable(string reason) =>
        Failure("unavailable", Errors.TemporarilyUnavailable("the identity provider cannot be reached", $"handler {definition.Name}: introspection at {endpointForLogs} failed: {reason}"), LogLevel.Warning);

    /// <summary>The endpoint answered something that is not an introspection (or userinfo) answer: <paramref name="what"/> follows "answered".</summary>
    public IntrospectionCache.Entry InvalidResponse(string what) =>
        Failure("invalid_response", Errors.ServerError($"the introspection endpoint of handler {definition.Name} answered {what}"), LogLevel.Error);

    public IntrospectionCache.Entry Failure(string outcome, OAuthError error, LogLevel level)
    {
        metrics.IntrospectionCall(definition.Name, outcome);
        logger.Log(level, "Introspection at {Endpoint} for handler {Handler} failed: {Reason}", endpointForLogs, definition.Name, error.Reason);
        return new IntrospectionCache.Entry(null, error, DateTimeOffset.MinValue);
    }
}
