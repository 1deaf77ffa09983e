using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Sessions;

/// <summary>
/// What a refresh token family holds that a redemption decides on (hashes only, docs/architecture.md section 4);
/// the grain that stores the family passes a copy.
/// </summary>
public sealed record RefreshFamilyView(
    bool Revoked,
    string CurrentHash,
    DateTimeOffset CurrentExpiresAt,
    IReadOnlySet<string> SpentHashes,
    DateTimeOffset? StartedAt,
    string? IssuedFor,
    string? IssuedFrom,
    RefreshGrant Grant);

/// <summary>How a redemption ends: refused, a spent token back (the family is to be revoked), or allowed.</summary>
public enum RefreshOutcome
{
    Refused,
    ReuseDetected,
    Allowed,
}

/// <summary>
/// A redemption's decision. <see cref="StartedAt"/> is the family's start to record once the token proved
/// current (a family stored before starts were recorded starts now); <see cref="ExpiresAt"/> the new token's expiry when allowed.
/// </summary>
public sealed record RefreshDecision(RefreshOutcome Outcome, OAuthError? Error, bool Repeat = false, DateTimeOffset? StartedAt = null, DateTimeOffset ExpiresAt = default);

/// <summary>
/// The refresh token rules (RFC 6749 section 6, rotation and reuse detection per RFC 9700 section 4.14.2):
/// pure decisions on a family's values and the time, with no I/O; the session grain stores their effects.
/// </summary>
public static class RefreshRedemption
{
    /// <param name="dpopThumbprint">The thumbprint of the refresh request's checked DPoP proof's key; null without a proof.</param>
    public static RefreshDecision Decide(RefreshFamilyView? family, string tokenHash, RefreshTokenPolicy policy, IReadOnlyCollection<string> requestedScopes, string requestId, DateTimeOffset now,
        string? dpopThumbprint = null)
    {
        if (family is null || family.Revoked) return Refused("the refresh token is revoked");
        // The same redemption again (its silo died or left before the answer arrived): the token it got was
        // never delivered, so it is replaced by another, and nothing is revoked.
        var repeat = family.IssuedFor == requestId && family.IssuedFrom == tokenHash;
        // A spent token came back: someone holds a copy. The family ends, the legitimate holder included.
        if (!repeat && family.SpentHashes.Contains(tokenHash))
            return new RefreshDecision(RefreshOutcome.ReuseDetected, Errors.InvalidGrant("the refresh token was already used; its family is revoked", "refresh token reuse detected"));
        if (!repeat && family.CurrentHash != tokenHash) return Refused("the refresh token is not valid");
        if (!repeat && family.CurrentExpiresAt <= now) return Refused("the refresh token has expired");
        // A bound family's current token without its key's proof: refused, and nothing rotates (the holder keeps it).
        if (Exchange.Rules.DpopRefreshBinding.Check(family.Grant.DpopThumbprint, dpopThumbprint) is { } unbound) return new RefreshDecision(RefreshOutcome.Refused, unbound);
        // A family stored before families had a start counts its absolute lifetime from its first redemption now.
        var startedAt = family.StartedAt ?? now;
        var last = LastInstant(startedAt, family.Grant, policy);
        if (last <= now)
            return Refused("the refresh token has reached the end of its session; a new token exchange is needed", "refresh token family past its absolute lifetime or delegation expiry", startedAt);
        if (requestedScopes.Any(s => !family.Grant.Scopes.Contains(s)))
            return new RefreshDecision(RefreshOutcome.Refused, Errors.InvalidScope("a requested scope was not granted with this refresh token"), repeat, startedAt);
        return new RefreshDecision(RefreshOutcome.Allowed, null, repeat, startedAt, Earliest(now + policy.Lifetime, last));
    }

    /// <summary>When the family's current token expires, for introspection; null when it is not active (revoked, not current, expired).</summary>
    public static DateTimeOffset? ActiveUntil(RefreshFamilyView? family, string tokenHash, RefreshTokenPolicy policy, DateTimeOffset now)
    {
        if (family is null || family.Revoked || family.CurrentHash != tokenHash) return null;
        // The policy may have shortened the absolute lifetime since the token was issued.
        var expires = family.StartedAt is { } startedAt ? Earliest(family.CurrentExpiresAt, LastInstant(startedAt, family.Grant, policy)) : family.CurrentExpiresAt;
        return expires > now ? expires : null;
    }

    /// <summary>A new token's expiry: its lifetime from now, but never past the family's last instant.</summary>
    public static DateTimeOffset NewTokenExpiry(DateTimeOffset startedAt, RefreshGrant grant, RefreshTokenPolicy policy, DateTimeOffset now) =>
        Earliest(now + policy.Lifetime, LastInstant(startedAt, grant, policy));

    /// <summary>
    /// The family's end, whatever rotates: its absolute lifetime from the exchange that started it (by the
    /// app's policy now, so shortening it reaches existing families), and a delegated grant's NotAfter.
    /// </summary>
    public static DateTimeOffset LastInstant(DateTimeOffset startedAt, RefreshGrant grant, RefreshTokenPolicy policy)
    {
        var absolute = startedAt + policy.EffectiveAbsoluteLifetime;
        return grant.NotAfter is { } notAfter ? Earliest(absolute, notAfter) : absolute;
    }

    // Stryker disable once Equality : when the two are equal either is the earliest, so <= is the same rule.
    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static RefreshDecision Refused(string description, string? reason = null, DateTimeOffset? startedAt = null) =>
        new(RefreshOutcome.Refused, Errors.InvalidGrant(description, reason), StartedAt: startedAt);
}
