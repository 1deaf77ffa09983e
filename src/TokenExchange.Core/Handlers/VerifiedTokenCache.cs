using BitFaster.Caching;
using BitFaster.Caching.Lru;
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
/// <para>Until it first has to forget a token for room, it remembers every token that verifies. From then on, it
/// remembers a token the second time the token verifies (<see cref="TokenSightings"/>, 8 bytes per sighting in a
/// fixed table, no object), and forgets the least recently presented (BitFaster's <see cref="ConcurrentLru{K, V}"/>). So a client that
/// fetches a fresh subject token for every call churns neither the cache nor the GC: an entry kept for each such token
/// lived long enough to reach the oldest generation before it was pushed out, which cost a fresh-token exchange about
/// a quarter of its CPU (issue 15).</para>
/// <para>Recency, not frequency, decides what goes. BitFaster's W-TinyLFU, used before, admits a new token only once
/// it has been presented more often than the entry it would displace, and its counts stop at 15: after a client had
/// presented its tokens a few dozen times and then moved to new ones (a new load, the next token of each user), the
/// old, dead entries out-counted every new token and the cache admitted none until it halved its counts, after 10 ×
/// MaxEntries counted presentations (about 100 s at the default size and 10,000 exchanges a second). Meanwhile every
/// exchange verified its token in full (issue 15; the benchmark's repeated tokens after its fresh ones).</para>
/// </remarks>
public sealed class VerifiedTokenCache
{
    internal const string Capacity = "capacity";
    internal const string Expired = "expired";
    internal const string KeyRemoved = "key_removed";

    private readonly ConcurrentLru<TokenHash, VerifiedToken> entries;
    private readonly TokenSightings sightings;
    private readonly TimeSpan maxAge;
    private readonly TimeProvider time;
    private readonly TokenExchangeMetrics metrics;
    private readonly string handler;

    /// <summary>Set at the first token forgotten for room: from then on a token must have been seen before to be remembered.</summary>
    private volatile bool full;

    /// <exception cref="ArgumentOutOfRangeException">MaxEntries is below 3, the least BitFaster's cache takes (the configuration refuses it).</exception>
    public VerifiedTokenCache(ValidationCachePolicy policy, string handler, TimeProvider time, TokenExchangeMetrics metrics)
    {
        entries = new ConcurrentLru<TokenHash, VerifiedToken>(Environment.ProcessorCount, policy.MaxEntries, EqualityComparer<TokenHash>.Default);
        entries.Events.Value!.ItemRemoved += (_, removed) =>
        {
            if (removed.Reason != ItemRemovedReason.Evicted) return;
            full = true;
            metrics.ValidationCacheEviction(handler, Capacity);
        };
        sightings = new TokenSightings(policy.MaxEntries);
        maxAge = policy.MaxAge;
        this.time = time;
        this.metrics = metrics;
        this.handler = handler;
    }

    /// <summary>How many tokens are remembered now: counted over the whole cache (BitFaster's LRU enumerates its entries), so for tests and diagnostics, not a gauge.</summary>
    public int Count => entries.Count;

    /// <summary>The token remembered under <paramref name="key"/>, unless it is older than the policy's max age (then forgotten).</summary>
    internal VerifiedToken? Find(TokenHash key)
    {
        if (!entries.TryGet(key, out var known)) return null;
        if (time.GetUtcNow() < known.Until) return known;
        Forget(key, Expired);
        return null;
    }

    /// <summary>
    /// Remembers a token that verified just now, for at most the policy's max age: any such token until the cache first
    /// forgets one for room, and from then on only one that verified before (its first verification leaves only a sighting).
    /// </summary>
    internal void Remember(TokenHash key, VerifiedToken token)
    {
        if (full && !sightings.SeenBefore(key)) return;
        entries.AddOrUpdate(key, token with { Until = time.GetUtcNow() + maxAge });
    }

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
