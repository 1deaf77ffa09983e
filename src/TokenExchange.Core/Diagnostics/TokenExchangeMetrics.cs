using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenExchange.Diagnostics;

/// <summary>
/// Every instrument of the cluster, on the "TokenExchange" meter of the host's <see cref="IMeterFactory"/>
/// (one instance per silo). Tags are bounded by construction: handler and app names are configured
/// names (callers pass "unknown" for anything else), outcomes and error codes come from fixed sets; no
/// user, subject or token ever becomes a tag. README "Metrics and traces" lists them.
/// </summary>
public sealed class TokenExchangeMetrics
{
    /// <summary>Sub-millisecond (a cached exchange) to seconds (an IdP that is slow to answer).</summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> operations;
    private readonly Histogram<double> operationDuration;
    private readonly Histogram<double> validationDuration;
    private readonly Counter<long> jwksFetches;
    private readonly Counter<long> introspectionCalls;
    private readonly Counter<long> introspectionCache;
    private readonly Counter<long> validationCache;
    private readonly Counter<long> validationCacheEvictions;
    private readonly Counter<long> sessionUserCache;
    private readonly UpDownCounter<long> activeSessions;
    private readonly Counter<long> handlerFailures;
    private readonly Counter<long> rateLimitRejections;
    private readonly Counter<long> auditDropped;
    private readonly Counter<long> dpopProofs;
    private readonly Counter<long> transactionTokens;

    public TokenExchangeMetrics(IMeterFactory meters)
    {
        var meter = Meter = meters.Create(TokenExchangeTelemetry.Name);
        var durations = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        operations = meter.CreateCounter<long>("tokenexchange.operations",
            description: "token operations (exchange, refresh, introspect, revoke) by app, handler, outcome and OAuth error code");
        operationDuration = meter.CreateHistogram("tokenexchange.operation.duration", "s",
            "time from a front door's parsed request to its answer, by app, handler, operation and outcome", advice: durations);
        validationDuration = meter.CreateHistogram("tokenexchange.validation.duration", "s",
            "time a handler took to validate a subject (or actor) token, by handler and outcome", advice: durations);
        jwksFetches = meter.CreateCounter<long>("tokenexchange.jwks.fetches",
            description: "fetches of identity providers' JWKS, by handler and outcome (success, failure)");
        introspectionCalls = meter.CreateCounter<long>("tokenexchange.introspection.calls",
            description: "calls to identity providers' introspection or userinfo endpoints, by handler and outcome");
        introspectionCache = meter.CreateCounter<long>("tokenexchange.introspection.cache.lookups",
            description: "lookups in introspection handlers' answer caches, by handler and result (hit, miss)");
        validationCache = meter.CreateCounter<long>("tokenexchange.validation.cache.lookups",
            description: "lookups in jwt handlers' verified-token caches, by handler and result (hit: the signature check was skipped, miss)");
        validationCacheEvictions = meter.CreateCounter<long>("tokenexchange.validation.cache.evictions",
            description: "tokens forgotten by jwt handlers' verified-token caches, by handler and reason (capacity, expired, key_removed)");
        sessionUserCache = meter.CreateCounter<long>("tokenexchange.session.user_cache.lookups",
            description: "subject sessions' lookups of their cached user, by handler and result (hit, miss)");
        activeSessions = meter.CreateUpDownCounter<long>("tokenexchange.sessions.active",
            description: "subject session activations on this silo");
        handlerFailures = meter.CreateCounter<long>("tokenexchange.handler.failures",
            description: "custom handler calls that threw, timed out or returned nonsense, by handler and kind");
        rateLimitRejections = meter.CreateCounter<long>(RateLimitRejectionsName,
            description: "requests refused by a rate limit, by app and kind (address, app, invalid_token)");
        auditDropped = meter.CreateCounter<long>("tokenexchange.audit.dropped",
            description: "audit events not written to the audit table (queue full or write failed)");
        dpopProofs = meter.CreateCounter<long>(DpopProofsName,
            description: "DPoP proofs checked on token requests, by outcome (bound, invalid, replayed, use_nonce, unavailable)");
        transactionTokens = meter.CreateCounter<long>("tokenexchange.transaction_tokens",
            description: "transaction tokens issued and replaced, by app and action (issue, replace)");
    }

    public const string RateLimitRejectionsName = "tokenexchange.ratelimit.rejections";
    public const string DpopProofsName = "tokenexchange.dpop.proofs";

    /// <summary>The meter every instrument above is on (tests listen to this silo's alone).</summary>
    public Meter Meter { get; }

    /// <summary>One finished token operation; <paramref name="errorCode"/> null when it succeeded.</summary>
    public void Operation(string operation, string app, string handler, string? errorCode, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "operation", operation },
            { "app", app },
            { "handler", handler },
            { "outcome", errorCode is null ? "success" : "failure" },
        };
        operationDuration.Record(elapsed.TotalSeconds, tags);
        if (errorCode is not null) tags.Add("error", errorCode);
        operations.Add(1, tags);
    }

    /// <param name="outcome">bound (the tokens are bound to its key), invalid, replayed, use_nonce (a server nonce was missing, stale or not issued to the app) or unavailable (the one-time store could not answer).</param>
    public void DpopProof(string outcome) => dpopProofs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Validation(string handler, bool valid, TimeSpan elapsed) =>
        validationDuration.Record(elapsed.TotalSeconds, new("handler", handler), new("outcome", valid ? "valid" : "invalid"));

    public void JwksFetch(string handler, bool succeeded) =>
        jwksFetches.Add(1, new("handler", handler), new("outcome", succeeded ? "success" : "failure"));

    /// <param name="outcome">active, inactive, unavailable, refused or invalid_response.</param>
    public void IntrospectionCall(string handler, string outcome) =>
        introspectionCalls.Add(1, new("handler", handler), new("outcome", outcome));

    public void IntrospectionCacheLookup(string handler, bool hit) =>
        introspectionCache.Add(1, new("handler", handler), new("result", hit ? "hit" : "miss"));

    public void ValidationCacheLookup(string handler, bool hit) =>
        validationCache.Add(1, new("handler", handler), new("result", hit ? "hit" : "miss"));

    /// <param name="reason">capacity, expired or key_removed.</param>
    public void ValidationCacheEviction(string handler, string reason) =>
        validationCacheEvictions.Add(1, new("handler", handler), new("reason", reason));

    public void SessionUserLookup(string handler, bool hit) =>
        sessionUserCache.Add(1, new("handler", handler), new("result", hit ? "hit" : "miss"));

    public void SessionActivated() => activeSessions.Add(1);

    public void SessionDeactivated() => activeSessions.Add(-1);

    /// <param name="kind">timeout, exception or invalid_result.</param>
    public void HandlerFailure(string handler, string kind) =>
        handlerFailures.Add(1, new("handler", handler), new("kind", kind));

    /// <param name="app">A configured app, or "unknown".</param>
    /// <param name="kind">address, app or invalid_token.</param>
    public void RateLimitRejection(string app, string kind) =>
        rateLimitRejections.Add(1, new("app", app), new("kind", kind));

    public void AuditDropped(long count) => auditDropped.Add(count);

    /// <param name="action">issue or replace.</param>
    /// <param name="app">A configured app.</param>
    public void TransactionToken(string action, string app) =>
        transactionTokens.Add(1, new("action", action), new("app", app));
}
