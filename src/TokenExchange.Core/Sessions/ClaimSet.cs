using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TokenExchange.Sessions;

/// <summary>
/// A token's claims, each by its first value, read-only and compact: up to <see cref="ScanLimit"/> claims are held as
/// one array of name, value pairs and found by an ordinal scan; more go into a dictionary. A verified token's claims
/// stay in memory with its cache entry, one per active subject (docs/architecture.md, "A warm subject is one
/// activation"); a token of 7 claims costs 160 B here against about 330 B as a <see cref="Dictionary{TKey, TValue}"/>
/// (its buckets, entries with their cached hashes, and the object), and a scan of a few names, most of them the shared
/// instances of <c>SharedClaimStrings</c>, is as fast as hashing the name. Enumerates in the order the claims came.
/// </summary>
public sealed class ClaimSet : IReadOnlyDictionary<string, string>
{
    /// <summary>Most claims held as scanned pairs; beyond it a lookup hashes.</summary>
    internal const int ScanLimit = 16;

    public static readonly ClaimSet Empty = new(Array.Empty<string>());

    // string[] (name, value, name, value, …) or, past ScanLimit claims, Dictionary<string, string>: one field, so the
    // set is an object header and a reference besides what it holds.
    private readonly object held;

    private ClaimSet(object held) => this.held = held;

    /// <summary>The claims, each by the first value its name came with.</summary>
    public static ClaimSet Of(IEnumerable<KeyValuePair<string, string>> claims)
    {
        var builder = new Builder(claims.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var (name, value) in claims) builder.Add(name, value);
        return builder.Build();
    }

    /// <summary>How many claims the set has room for, for the tests that check nothing is kept spare.</summary>
    internal int Room => held is string[] pairs ? pairs.Length / 2 : ((Dictionary<string, string>)held).EnsureCapacity(0);

    /// <summary>Whether lookups hash (more than <see cref="ScanLimit"/> claims).</summary>
    internal bool Hashed => held is Dictionary<string, string>;

    public int Count => held is string[] pairs ? pairs.Length / 2 : ((Dictionary<string, string>)held).Count;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no claim '{key}'");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (held is not string[] pairs) return ((Dictionary<string, string>)held).TryGetValue(key, out value);
        for (var i = 0; i < pairs.Length; i += 2)
        {
            if (!string.Equals(pairs[i], key, StringComparison.Ordinal)) continue;
            value = pairs[i + 1];
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerable<string> Keys => this.Select(claim => claim.Key);

    public IEnumerable<string> Values => this.Select(claim => claim.Value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        if (held is Dictionary<string, string> hashed)
        {
            foreach (var claim in hashed) yield return claim;
            yield break;
        }
        var pairs = (string[])held;
        for (var i = 0; i < pairs.Length; i += 2) yield return new(pairs[i], pairs[i + 1]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Collects claims as they are read; the first value of a name wins. Sized to the claims expected, so a token's
    /// claims are copied once, and built no larger than the claims it kept.
    /// </summary>
    public struct Builder(int expected)
    {
        private string[] pairs = expected > 0 && expected <= ScanLimit ? new string[expected * 2] : new string[8];
        private int used;
        private Dictionary<string, string>? hashed = expected > ScanLimit ? new(expected, StringComparer.Ordinal) : null;

        /// <summary>Adds the claim unless its name is held already.</summary>
        public void Add(string name, string value)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (hashed is not null)
            {
                hashed.TryAdd(name, value);
                return;
            }
            for (var i = 0; i < used; i += 2)
                if (string.Equals(pairs[i], name, StringComparison.Ordinal)) return;
            if (used == ScanLimit * 2)
            {
                hashed = new Dictionary<string, string>(ScanLimit * 2, StringComparer.Ordinal);
                for (var i = 0; i < used; i += 2) hashed.Add(pairs[i], pairs[i + 1]);
                hashed.Add(name, value);
                return;
            }
            if (used == pairs.Length) Array.Resize(ref pairs, Math.Min(pairs.Length * 2, ScanLimit * 2));
            pairs[used++] = name;
            pairs[used++] = value;
        }

        /// <summary>The set of what was added; the builder is not to be used after.</summary>
        public readonly ClaimSet Build()
        {
            if (hashed is not null)
            {
                hashed.TrimExcess();
                return new ClaimSet(hashed);
            }
            if (used == 0) return Empty;
            var kept = pairs;
            if (used < kept.Length) Array.Resize(ref kept, used);
            return new ClaimSet(kept);
        }
    }
}
