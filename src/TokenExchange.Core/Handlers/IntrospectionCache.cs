using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// An introspection handler's answers, keyed by the SHA-256 of the token (the token itself is never kept),
/// each until its own expiry. Bounded: when full it drops expired answers (at most once a second) and,
/// if still full, caches nothing new until answers expire; a full cache costs IdP calls, never memory.
/// </summary>
public sealed class IntrospectionCache(int maxEntries)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock sweepGate = new();
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;
    private int count;

    public int MaxEntries { get; } = maxEntries;

    public int Count => Volatile.Read(ref count);

    /// <summary>The keys held, for tests: hashes, never tokens.</summary>
    internal IEnumerable<string> Keys => entries.Keys;

    /// <summary>The cache key of a token: the base64url SHA-256 of its UTF-8 bytes.</summary>
    public static string KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public bool TryGet(string key, DateTimeOffset now, out Entry entry)
    {
        if (entries.TryGetValue(key, out entry!))
        {
            if (entry.Until > now) return true;
            Remove(key, entry);
        }
        entry = null!;
        return false;
    }

    /// <summary>Keeps an answer until <see cref="Entry.Until"/>; false when the cache is full of live answers.</summary>
    public bool TrySet(string key, Entry entry, DateTimeOffset now)
    {
        if (entry.Until <= now) return false;
        while (true)
        {
            if (entries.TryGetValue(key, out var existing))
            {
                if (entries.TryUpdate(key, entry, existing)) return true;
                continue;
            }
            if (!Reserve(now)) return false;
            if (entries.TryAdd(key, entry)) return true;
            Interlocked.Decrement(ref count);
        }
    }

    private bool Reserve(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref count) <= MaxEntries) return true;
        Interlocked.Decrement(ref count);
        if (!Sweep(now)) return false;
        if (Interlocked.Increment(ref count) <= MaxEntries) return true;
        Interlocked.Decrement(ref count);
        return false;
    }

    /// <summary>Drops expired answers, unless another sweep ran within the last second; whether it swept.</summary>
    private bool Sweep(DateTimeOffset now)
    {
        lock (sweepGate)
        {
            if (now - lastSweep < SweepInterval) return false;
            lastSweep = now;
        }
        foreach (var (key, entry) in entries)
        {
            if (entry.Until <= now) Remove(key, entry);
        }
        return true;
    }

    private void Remove(string key, Entry entry)
    {
        if (entries.TryRemove(new KeyValuePair<string, Entry>(key, entry))) Interlocked.Decrement(ref count);
    }

    /// <summary>An answer: the subject of an active token, or why the token was refused.</summary>
    public sealed record Entry(ValidatedSubject? Subject, OAuthError? Error, DateTimeOffset Until);
}
