using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace TokenExchange.Sessions;

/// <summary>
/// A token's claims, each by its first value, read-only and compact: up to <see cref="ScanLimit"/> claims are held as
/// an array of names and one of values, found by an ordinal scan of the names; more go into a dictionary. A verified
/// token's claims stay in memory with its cache entry, one per active subject (docs/architecture.md, "A warm subject
/// is one activation"), and the names array is shared by the tokens of one handler with the same names in the same
/// order (<see cref="ClaimLayouts"/>): a token of 7 claims then costs 112 B (the set and its values) against about
/// 330 B as a <see cref="Dictionary{TKey, TValue}"/> (its buckets, entries with their cached hashes, and the object).
/// A scan of a few names, most of them the shared instances of <c>SharedClaimStrings</c>, is as fast as hashing the
/// name. Enumerates in the order the claims came.
/// </summary>
public sealed class ClaimSet : IReadOnlyDictionary<string, string>
{
    /// <summary>Most claims held as scanned names and values; beyond it a lookup hashes.</summary>
    internal const int ScanLimit = 16;

    public static readonly ClaimSet Empty = new([], []);

    // Scanned: the names (often shared, never written) and the values at the same indexes (string[]). Hashed (more
    // than ScanLimit claims): names is null and held is the Dictionary<string, string>.
    private readonly string[]? names;
    private readonly object held;

    private ClaimSet(string[] names, string[] values) => (this.names, held) = (names, values);

    private ClaimSet(Dictionary<string, string> hashed) => held = hashed;

    /// <summary>The claims, each by the first value its name came with.</summary>
    public static ClaimSet Of(IEnumerable<KeyValuePair<string, string>> claims)
    {
        var builder = new Builder(claims.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var (name, value) in claims) builder.Add(name, value);
        return builder.Build();
    }

    /// <summary>How many claims the set has room for, for the tests that check nothing is kept spare.</summary>
    internal int Room => names is not null ? names.Length : ((Dictionary<string, string>)held).EnsureCapacity(0);

    /// <summary>Whether lookups hash (more than <see cref="ScanLimit"/> claims).</summary>
    internal bool Hashed => names is null;

    /// <summary>The scanned names (shared where a <see cref="ClaimLayouts"/> held them), for the tests.</summary>
    internal string[]? Names => names;

    public int Count => names?.Length ?? ((Dictionary<string, string>)held).Count;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no claim '{key}'");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (names is null) return ((Dictionary<string, string>)held).TryGetValue(key, out value);
        for (var i = 0; i < names.Length; i++)
        {
            if (!string.Equals(names[i], key, StringComparison.Ordinal)) continue;
            value = ((string[])held)[i];
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerable<string> Keys => this.Select(claim => claim.Key);

    public IEnumerable<string> Values => this.Select(claim => claim.Value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        if (names is null)
        {
            foreach (var claim in (Dictionary<string, string>)held) yield return claim;
            yield break;
        }
        var values = (string[])held;
        for (var i = 0; i < names.Length; i++) yield return new(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Collects claims as they are read; the first value of a name wins. Sized to the claims expected, so a token's
    /// claims are copied once, and built no larger than the claims it kept.
    /// </summary>
    public struct Builder(int expected)
    {
        // None where the claims will be hashed from the start; a few where their number is not known.
        private string[] names = new string[Initial(expected)];
        private string[] values = new string[Initial(expected)];
        private int count;
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
            for (var i = 0; i < count; i++)
                if (string.Equals(names[i], name, StringComparison.Ordinal)) return;
            if (count == ScanLimit)
            {
                hashed = new Dictionary<string, string>(ScanLimit * 2, StringComparer.Ordinal);
                for (var i = 0; i < count; i++) hashed.Add(names[i], values[i]);
                hashed.Add(name, value);
                return;
            }
            if (count == names.Length)
            {
                var larger = Math.Clamp(names.Length * 2, 4, ScanLimit);
                Array.Resize(ref names, larger);
                Array.Resize(ref values, larger);
            }
            names[count] = name;
            values[count++] = value;
        }

        private static int Initial(int expected) => expected > ScanLimit ? 0 : expected > 0 ? expected : 4;

        /// <summary>The set of what was added, its names shared through <paramref name="layouts"/> where given; the builder is not to be used after.</summary>
        public readonly ClaimSet Build(ClaimLayouts? layouts = null)
        {
            if (hashed is not null)
            {
                hashed.TrimExcess();
                return new ClaimSet(hashed);
            }
            if (count == 0) return Empty;
            var (keptNames, keptValues) = (names, values);
            if (count < keptNames.Length)
            {
                Array.Resize(ref keptNames, count);
                Array.Resize(ref keptValues, count);
            }
            return new ClaimSet(layouts?.Share(keptNames) ?? keptNames, keptValues);
        }
    }
}
