using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The built-in <c>introspection</c> handler, for opaque subject tokens: asks the IdP's RFC 7662
/// introspection endpoint (POST, with our client credentials as HTTP Basic), or its OIDC userinfo endpoint
/// (GET, the token as Bearer), whether the token is active and whose it is. Answers are cached by the
/// token's SHA-256: an active token's until its <c>exp</c> and at most <see cref="IntrospectionTrust.MaxCacheFor"/>,
/// an inactive one's briefly; an endpoint that is down, slow or failing is temporarily_unavailable and not
/// cached. Concurrent exchanges of one token share one call. User mapping is the jwt handler's rule.
/// This class is the cache and the sharing; the call is <see cref="IntrospectionClient"/>, what its status
/// says <see cref="IntrospectionStatus"/>, what its answer says <see cref="IntrospectionAnswerReader"/>, and
/// how each ends (counted, logged, cached for how long) <see cref="IntrospectionOutcomes"/>.
/// </summary>
public sealed class IntrospectionImplementation : IHandlerImplementation
{
    /// <summary>Largest answer read from the endpoint; a larger one is refused.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    private readonly HandlerDefinition definition;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TokenExchangeMetrics metrics;
    private readonly IntrospectionClient client;
    private readonly ConcurrentDictionary<string, Lazy<Task<IntrospectionCache.Entry>>> inflight = new(StringComparer.Ordinal);

    /// <param name="cache">A cache to keep (from the previous compile of an unchanged definition); else a new one.</param>
    /// <exception cref="InvalidOperationException">The definition has no usable introspection settings.</exception>
    public IntrospectionImplementation(HandlerDefinition definition, HttpClient http, TimeProvider time, ILogger logger, TokenExchangeMetrics metrics, IntrospectionCache? cache = null)
    {
        this.definition = definition;
        var trust = definition.Introspection ?? throw new InvalidOperationException($"handler {definition.Name} has no introspection settings");
        if (!Uri.TryCreate(trust.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"handler {definition.Name}: the introspection endpoint is not an absolute http(s) URL");
        this.time = time;
        this.logger = logger;
        this.metrics = metrics;
        Cache = cache ?? new IntrospectionCache(trust.MaxCacheEntries);
        var outcomes = new IntrospectionOutcomes(definition, endpoint.GetLeftPart(UriPartial.Path), time, logger, metrics);
        client = new IntrospectionClient(definition, endpoint, http, time, outcomes);
    }

    /// <summary>The answers kept, handed to the next compile while the definition's trust is unchanged.</summary>
    public IntrospectionCache Cache { get; }

    public async ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        var key = IntrospectionCache.KeyOf(exchange.SubjectToken);
        var hit = Cache.TryGet(key, time.GetUtcNow(), out var answer);
        metrics.IntrospectionCacheLookup(definition.Name, hit);
        if (!hit)
        {
            var call = inflight.GetOrAdd(key,
                static (k, state) => new Lazy<Task<IntrospectionCache.Entry>>(() => state.Self.CallAsync(k, state.Token)),
                (Self: this, Token: exchange.SubjectToken));
            // The call is not cancelled with this exchange: others may wait for it; its own timeout bounds it.
            answer = await call.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return (answer.Subject, answer.Error);
    }

    public Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken) =>
        RuleBasedUserMapping.MapAsync(definition.UserMapping, request, users);

    /// <summary>The one call for a token, shared by everyone waiting for it; caches its answer, then leaves the in-flight set.</summary>
    private async Task<IntrospectionCache.Entry> CallAsync(string key, string token)
    {
        try
        {
            // Answered while this call was being set up.
            if (Cache.TryGet(key, time.GetUtcNow(), out var cached)) return cached;
            var answer = await client.FetchAsync(key, token).ConfigureAwait(false);
            if (answer.Until > time.GetUtcNow() && !Cache.TrySet(key, answer, time.GetUtcNow()))
                logger.LogDebug("Introspection cache of handler {Handler} is full ({Entries} answers)", definition.Name, Cache.Count);
            return answer;
        }
        finally
        {
            // Only this call's entry can be there: no other is added for the key while it is.
            inflight.TryRemove(key, out _);
        }
    }
}
