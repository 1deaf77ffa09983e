using BitFaster.Caching;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Scheduler;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// A jwt handler's verified tokens on this silo (README "Verified-token cache"): each token whose signature and
/// claims verified, under its <see cref="TokenHash"/>, with what a later presentation re-checks instead of the
/// signature. Belongs to one compiled handler and lives while its trust settings do (<see cref="HandlerRuntime"/>).
/// Bounded by <see cref="ValidationCachePolicy.MaxEntries"/> and, per entry, by <see cref="ValidationCachePolicy.MaxAge"/>
/// on this silo's clock. Forgetting is counted (tokenexchange.validation.cache.evictions); lookups are counted by the
/// validator, which decides a hit.
/// </summary>
/// <remarks>
/// BitFaster's W-TinyLFU (<see cref="ConcurrentLfu{K, V}"/>), not an LRU: a token seen once waits in a small window
/// (1 % of the entries) and displaces a remembered one only by being presented more often. Where every token is new
/// (a client that fetches a fresh subject token per call), an LRU kept each one for the next 100,000 exchanges, long
/// enough to reach the oldest GC generation before it was pushed out: that churn cost a fresh-token exchange about a
/// quarter of its CPU (issue 15). Maintenance runs on the calling thread (no thread-pool item per write).
/// </remarks>
public sealed class VerifiedTokenCache
{
    internal const string Capacity = "capacity";
    internal const string Expired = "expired";
    internal const string KeyRemoved = "key_removed";

    private readonly ConcurrentLfu<TokenHash, VerifiedToken> entries;
    private readonly TimeSpan maxAge;
    private readonly TimeProvider time;
    private readonly TokenExchangeMetrics metrics;
    private readonly string handler;

    /// <exception cref="ArgumentOutOfRangeException">MaxEntries is below 3, the least BitFaster's cache takes (the configuration refuses it).</exception>
    public VerifiedTokenCache(ValidationCachePolicy policy, string handler, TimeProvider time, TokenExchangeMetrics metrics)
    {
        entries = new ConcurrentLfu<TokenHash, VerifiedToken>(Environment.ProcessorCount, policy.MaxEntries, new ForegroundScheduler(), EqualityComparer<TokenHash>.Default);
        entries.Events.Value!.ItemRemoved += (_, removed) =>
        {
            if (removed.Reason == ItemRemovedReason.Evicted) metrics.ValidationCacheEviction(handler, Capacity);
        };
        maxAge = policy.MaxAge;
        this.time = time;
        this.metrics = metrics;
        this.handler = handler;
    }

    /// <summary>How many tokens are remembered now.</summary>
    public int Count => entries.Count;

    /// <summary>The token remembered under <paramref name="key"/>, unless it is older than the policy's max age (then forgotten).</summary>
    internal VerifiedToken? Find(TokenHash key)
    {
        if (!entries.TryGet(key, out var known)) return null;
        if (time.GetUtcNow() < known.Until) return known;
        Forget(key, Expired);
        return null;
    }

    /// <summary>Remembers a token that verified just now, for at most the policy's max age.</summary>
    internal void Remember(TokenHash key, VerifiedToken token) => entries.AddOrUpdate(key, token with { Until = time.GetUtcNow() + maxAge });

    /// <param name="reason"><see cref="Expired"/> or <see cref="KeyRemoved"/>.</param>
    internal void Forget(TokenHash key, string reason)
    {
        if (entries.TryRemove(key)) metrics.ValidationCacheEviction(handler, reason);
    }

    internal void CountLookup(bool hit) => metrics.ValidationCacheLookup(handler, hit);
}

/// <summary>
/// A verified token as its cache holds it: the result to answer with, and what every hit re-checks because it depends
/// on the clock or the request (<see cref="Times"/>, <see cref="Kind"/>) or on the IdP's current key set (<see cref="Key"/>,
/// the very instance that verified the signature, looked up again with the header's <see cref="Kid"/>).
/// </summary>
internal sealed record VerifiedToken(JwtValidationResult Result, JwtSubjectTokenValidator.TokenTimes Times, JwtSubjectTokenValidator.TokenKind Kind, string? Kid, SecurityKey Key)
{
    /// <summary>When the cache forgets it: set by <see cref="VerifiedTokenCache.Remember"/>.</summary>
    public DateTimeOffset Until { get; init; }
}
