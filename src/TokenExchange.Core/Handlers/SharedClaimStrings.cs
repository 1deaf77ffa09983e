using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The strings every verified token of one jwt handler repeats, held once: the names of well-known claims, and the
/// <c>iss</c> and <c>aud</c> values that equal the handler's trust settings. A verified token's claims stay in memory
/// with its cache entry (<see cref="VerifiedTokenCache"/>), one entry per subject token, so each repeat would cost a
/// string of its own per entry (docs/architecture.md, "A warm subject is one activation"). Only equal strings are
/// swapped for the shared instance, so the claims read exactly as the token wrote them; a name or value the set does
/// not know is kept as it came (no interning of what the IdP chose: the set does not grow).
/// </summary>
/// <remarks>
/// The time claims' values repeat too, though not for ever: every token an IdP issues in one second carries the same
/// <c>iat</c>, and with one lifetime the same <c>exp</c>. The tokens alive at any moment span at most their lifetime,
/// so a million active subjects' tokens of one hour hold at most 3,600 distinct values of each. A fixed table of
/// recently seen values (<see cref="RecentTimeSlots"/>, <see cref="RecentInstances{T}"/>) gives a token the instance an
/// earlier one of the same second brought; tokens are verified soon after they are issued, so the recent ones are
/// the ones met again.
/// </remarks>
internal sealed class SharedClaimStrings
{
    /// <summary>Recently seen time values each handler holds (8 KB of references): far more than the seconds a burst of tokens spans.</summary>
    internal const int RecentTimeSlots = 1024;

    /// <summary>No time value is longer (a 64-bit count of seconds); a longer one is kept as it came, not held in the table.</summary>
    private const int LongestTime = 20;

    /// <summary>The claims whose values are times (RFC 7519, 4.1; OIDC Core, 2): seconds since the epoch.</summary>
    private static readonly FrozenSet<string> TimeClaims = FrozenSet.Create(StringComparer.Ordinal, "exp", "iat", "nbf", "auth_time");

    private readonly RecentInstances<string> recentTimes = new(RecentTimeSlots, StringComparer.Ordinal);

    /// <summary>The names arrays of this handler's tokens, shared by those with the same names in the same order.</summary>
    private readonly ClaimLayouts layouts = new();

    /// <summary>Registered JWT claims (RFC 7519, 4.1) and those OIDC, RFC 8693 and RFC 9068 define that rules read.</summary>
    private static readonly FrozenSet<string> ClaimNames = FrozenSet.Create(StringComparer.Ordinal,
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "client_id", "scope", "scp", "sid", "auth_time", "acr", "amr",
        "act", "may_act", "email", "email_verified", "name", "preferred_username", "given_name", "family_name", "roles", "groups", "tid", "oid");

    private readonly FrozenSet<string> values;

    /// <param name="issuer">The handler's issuer (every token it accepts carries it).</param>
    /// <param name="audiences">The handler's audiences (every token it accepts carries one).</param>
    public SharedClaimStrings(string issuer, IEnumerable<string> audiences) =>
        values = FrozenSet.Create(StringComparer.Ordinal, [issuer, .. audiences]);

    /// <summary>The shared instance of a claim's name, or the name itself.</summary>
    public static string Name(string name) => ClaimNames.TryGetValue(name, out var shared) ? shared : name;

    /// <summary>The shared instance of the issuer or an audience equal to <paramref name="value"/>, or the value itself.</summary>
    public string Value(string value) => values.TryGetValue(value, out var shared) ? shared : value;

    /// <summary>The instance an earlier token brought of a time claim's <paramref name="value"/>, or the value itself, which then takes its slot in the table.</summary>
    public string Time(string value) => value.Length > LongestTime ? value : recentTimes.Share(value);

    /// <summary>
    /// The key id a cache entry keeps to look its key up again: the verifying key's own <see cref="SecurityKey.KeyId"/>
    /// instance where the token named it, rather than the copy parsed from each token's header.
    /// </summary>
    public static string? KeyId(string? kid, SecurityKey key) => kid is not null && kid == key.KeyId ? key.KeyId : kid;

    /// <summary>The token's claims, each by its first value, with shared names, issuer, audience and time values where equal.</summary>
    public ClaimSet Claims(IEnumerable<System.Security.Claims.Claim> claims)
    {
        // Sized to the claims where their count is known (IdentityModel hands a list), and built no larger than the
        // claims kept (a claim that came twice takes one place): the set stays for as long as the cache entry.
        var read = new ClaimSet.Builder(claims.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var claim in claims)
        {
            var name = Name(claim.Type);
            read.Add(name, TimeClaims.Contains(name) ? Time(claim.Value) : Value(claim.Value));
        }
        return read.Build(layouts);
    }
}
