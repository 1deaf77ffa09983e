using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Sessions;

public sealed class RefreshRedemptionTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    /// <summary>One hour per token, a day per family.</summary>
    private static readonly RefreshTokenPolicy Policy = new() { Enabled = true, Lifetime = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromDays(1) };

    private static readonly RefreshGrant Grant = new() { ClientId = "orders", HandlerName = "corp", Scopes = ["read", "write"] };

    /// <summary>
    /// A family started an hour ago that rotated once: request "req-1" spent "h1" (after "h0") and got "h2",
    /// current for another hour.
    /// </summary>
    private static RefreshFamilyView Family() => new(
        Revoked: false,
        CurrentHash: "h2",
        CurrentExpiresAt: Now + TimeSpan.FromHours(1),
        SpentHashes: new HashSet<string> { "h0", "h1" },
        StartedAt: Now - TimeSpan.FromHours(1),
        IssuedFor: "req-1",
        IssuedFrom: "h1",
        Grant: Grant);

    private static RefreshDecision Current(RefreshFamilyView family, params string[] scopes) => RefreshRedemption.Decide(family, "h2", Policy, scopes, "req-2", Now);

    private static RefreshDecision Repeat(RefreshFamilyView family, params string[] scopes) => RefreshRedemption.Decide(family, "h1", Policy, scopes, "req-1", Now);

    private static void AssertRefused(RefreshDecision decision, string code, string description, string? reason = null)
    {
        Assert.Equal(RefreshOutcome.Refused, decision.Outcome);
        Assert.NotNull(decision.Error);
        Assert.Equal(code, decision.Error.Code);
        Assert.Equal(description, decision.Error.Description);
        Assert.Equal(reason, decision.Error.Reason);
    }

    private static void AssertAllowed(RefreshDecision decision, bool repeat, DateTimeOffset expiresAt, DateTimeOffset startedAt)
    {
        Assert.Equal(RefreshOutcome.Allowed, decision.Outcome);
        Assert.Null(decision.Error);
        Assert.Equal(repeat, decision.Repeat);
        Assert.Equal(expiresAt, decision.ExpiresAt);
        Assert.Equal(startedAt, decision.StartedAt);
    }

    [Fact]
    public void The_current_token_rotates_for_one_lifetime()
    {
        AssertAllowed(Current(Family()), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));
    }

    [Fact]
    public void A_repeat_of_the_request_that_spent_a_token_is_allowed_again()
    {
        AssertAllowed(Repeat(Family()), repeat: true, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));
    }

    [Fact]
    public void A_missing_family_is_refused_as_revoked()
    {
        var decision = RefreshRedemption.Decide(null, "h2", Policy, [], "req-2", Now);

        AssertRefused(decision, OAuthErrorCodes.InvalidGrant, "the refresh token is revoked");
        Assert.Null(decision.StartedAt);
    }

    [Fact]
    public void A_revoked_family_is_refused_for_the_current_token_and_a_repeat()
    {
        var revoked = Family() with { Revoked = true };

        AssertRefused(Current(revoked), OAuthErrorCodes.InvalidGrant, "the refresh token is revoked");
        AssertRefused(Repeat(revoked), OAuthErrorCodes.InvalidGrant, "the refresh token is revoked");
        Assert.Null(Current(revoked).StartedAt);
    }

    [Fact]
    public void A_spent_token_from_another_request_is_reuse()
    {
        var decision = RefreshRedemption.Decide(Family(), "h1", Policy, [], "req-2", Now);

        Assert.Equal(RefreshOutcome.ReuseDetected, decision.Outcome);
        Assert.NotNull(decision.Error);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, decision.Error.Code);
        Assert.Equal("the refresh token was already used; its family is revoked", decision.Error.Description);
        Assert.Equal("refresh token reuse detected", decision.Error.Reason);
        Assert.Null(decision.StartedAt);
    }

    [Fact]
    public void The_repeating_request_with_an_older_spent_token_is_reuse()
    {
        // Only the token that request spent makes it a repeat; "h0" was spent before it.
        Assert.Equal(RefreshOutcome.ReuseDetected, RefreshRedemption.Decide(Family(), "h0", Policy, [], "req-1", Now).Outcome);
    }

    [Fact]
    public void A_token_that_is_neither_current_nor_spent_is_refused()
    {
        var decision = RefreshRedemption.Decide(Family(), "h9", Policy, [], "req-1", Now);

        AssertRefused(decision, OAuthErrorCodes.InvalidGrant, "the refresh token is not valid");
        Assert.Null(decision.StartedAt);
    }

    [Fact]
    public void A_repeat_passes_though_its_token_is_no_longer_current()
    {
        Assert.Equal(RefreshOutcome.Allowed, Repeat(Family() with { CurrentHash = "h3" }).Outcome);
    }

    [Fact]
    public void The_current_token_expires_at_its_expiry_instant()
    {
        var decision = Current(Family() with { CurrentExpiresAt = Now });

        AssertRefused(decision, OAuthErrorCodes.InvalidGrant, "the refresh token has expired");
        Assert.Null(decision.StartedAt);
        AssertRefused(Current(Family() with { CurrentExpiresAt = Now - Tick }), OAuthErrorCodes.InvalidGrant, "the refresh token has expired");
        Assert.Equal(RefreshOutcome.Allowed, Current(Family() with { CurrentExpiresAt = Now + Tick }).Outcome);
    }

    [Fact]
    public void A_repeat_is_not_refused_for_the_expiry_of_the_token_it_got()
    {
        Assert.Equal(RefreshOutcome.Allowed, Repeat(Family() with { CurrentExpiresAt = Now - Tick }).Outcome);
    }

    [Fact]
    public void A_family_ends_at_its_absolute_lifetime()
    {
        const string description = "the refresh token has reached the end of its session; a new token exchange is needed";
        const string reason = "refresh token family past its absolute lifetime or delegation expiry";
        var endsNow = Now - TimeSpan.FromDays(1);

        AssertRefused(Current(Family() with { StartedAt = endsNow }), OAuthErrorCodes.InvalidGrant, description, reason);
        AssertRefused(Current(Family() with { StartedAt = endsNow - Tick }), OAuthErrorCodes.InvalidGrant, description, reason);
        AssertRefused(Repeat(Family() with { StartedAt = endsNow }), OAuthErrorCodes.InvalidGrant, description, reason);
        Assert.Equal(endsNow, Current(Family() with { StartedAt = endsNow }).StartedAt);
        // A tick before its end it still rotates, the new token living only to that end.
        AssertAllowed(Current(Family() with { StartedAt = endsNow + Tick }), repeat: false, Now + Tick, endsNow + Tick);
    }

    [Fact]
    public void A_delegated_family_ends_at_its_grants_not_after()
    {
        const string description = "the refresh token has reached the end of its session; a new token exchange is needed";

        AssertRefused(Current(Family() with { Grant = Grant with { NotAfter = Now } }), OAuthErrorCodes.InvalidGrant, description, "refresh token family past its absolute lifetime or delegation expiry");
        AssertRefused(Repeat(Family() with { Grant = Grant with { NotAfter = Now - Tick } }), OAuthErrorCodes.InvalidGrant, description, "refresh token family past its absolute lifetime or delegation expiry");
        AssertAllowed(Current(Family() with { Grant = Grant with { NotAfter = Now + Tick } }), repeat: false, Now + Tick, Now - TimeSpan.FromHours(1));
    }

    [Fact]
    public void The_last_instant_is_the_earlier_of_the_absolute_lifetime_and_not_after()
    {
        var started = Now - TimeSpan.FromHours(1);
        var absoluteEnd = started + TimeSpan.FromDays(1);

        Assert.Equal(absoluteEnd, RefreshRedemption.LastInstant(started, Grant, Policy));
        Assert.Equal(absoluteEnd, RefreshRedemption.LastInstant(started, Grant with { NotAfter = absoluteEnd + Tick }, Policy));
        Assert.Equal(absoluteEnd - Tick, RefreshRedemption.LastInstant(started, Grant with { NotAfter = absoluteEnd - Tick }, Policy));
        // Never shorter than one token's lifetime (RefreshTokenPolicy.EffectiveAbsoluteLifetime).
        Assert.Equal(started + TimeSpan.FromHours(2), RefreshRedemption.LastInstant(started, Grant, new RefreshTokenPolicy { Lifetime = TimeSpan.FromHours(2), AbsoluteLifetime = TimeSpan.FromHours(1) }));
    }

    [Fact]
    public void The_new_token_lives_to_the_earliest_of_its_lifetime_the_absolute_lifetime_and_not_after()
    {
        var family = Family() with { StartedAt = Now - TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30) };

        AssertAllowed(Current(family), repeat: false, Now + TimeSpan.FromMinutes(30), family.StartedAt!.Value);
        AssertAllowed(Current(family with { Grant = Grant with { NotAfter = Now + TimeSpan.FromMinutes(10) } }), repeat: false, Now + TimeSpan.FromMinutes(10), family.StartedAt.Value);
        AssertAllowed(Current(Family() with { Grant = Grant with { NotAfter = Now + TimeSpan.FromHours(1) + Tick } }), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));
        Assert.Equal(Now + TimeSpan.FromHours(1), RefreshRedemption.NewTokenExpiry(Now, Grant, Policy, Now));
        Assert.Equal(Now + TimeSpan.FromMinutes(5), RefreshRedemption.NewTokenExpiry(Now, Grant with { NotAfter = Now + TimeSpan.FromMinutes(5) }, Policy, Now));
    }

    [Fact]
    public void A_family_stored_without_a_start_starts_at_its_first_redemption()
    {
        var legacy = Family() with { StartedAt = null };

        AssertAllowed(Current(legacy), repeat: false, Now + TimeSpan.FromHours(1), Now);
        // Its not_after still applies, and the start is recorded though the redemption is refused.
        var ended = Current(legacy with { Grant = Grant with { NotAfter = Now } });
        Assert.Equal(RefreshOutcome.Refused, ended.Outcome);
        Assert.Equal(Now, ended.StartedAt);
    }

    [Fact]
    public void Requested_scopes_must_be_among_the_granted()
    {
        AssertAllowed(Current(Family(), "read"), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));
        AssertAllowed(Current(Family(), "write", "read"), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));
        AssertAllowed(Current(Family()), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));

        var superset = Current(Family(), "read", "write", "admin");
        AssertRefused(superset, OAuthErrorCodes.InvalidScope, "a requested scope was not granted with this refresh token");
        Assert.Equal(Now - TimeSpan.FromHours(1), superset.StartedAt);
        AssertRefused(Current(Family(), "Read"), OAuthErrorCodes.InvalidScope, "a requested scope was not granted with this refresh token");
    }

    [Fact]
    public void A_repeat_may_not_widen_the_scopes_either()
    {
        var decision = Repeat(Family(), "admin");

        AssertRefused(decision, OAuthErrorCodes.InvalidScope, "a requested scope was not granted with this refresh token");
        Assert.True(decision.Repeat);
    }

    [Fact]
    public void An_active_token_is_reported_until_its_expiry()
    {
        Assert.Equal(Now + TimeSpan.FromHours(1), RefreshRedemption.ActiveUntil(Family(), "h2", Policy, Now));
        Assert.Equal(Now + Tick, RefreshRedemption.ActiveUntil(Family() with { CurrentExpiresAt = Now + Tick }, "h2", Policy, Now));
        Assert.Null(RefreshRedemption.ActiveUntil(Family() with { CurrentExpiresAt = Now }, "h2", Policy, Now));
        Assert.Null(RefreshRedemption.ActiveUntil(Family() with { CurrentExpiresAt = Now - Tick }, "h2", Policy, Now));
    }

    [Fact]
    public void Only_the_current_token_of_a_live_family_is_active()
    {
        Assert.Null(RefreshRedemption.ActiveUntil(null, "h2", Policy, Now));
        Assert.Null(RefreshRedemption.ActiveUntil(Family() with { Revoked = true }, "h2", Policy, Now));
        Assert.Null(RefreshRedemption.ActiveUntil(Family(), "h1", Policy, Now));
    }

    [Fact]
    public void An_active_token_ends_by_the_policy_now_where_it_was_shortened()
    {
        var shortened = Policy with { AbsoluteLifetime = TimeSpan.FromMinutes(90) };

        Assert.Equal(Now + TimeSpan.FromMinutes(30), RefreshRedemption.ActiveUntil(Family(), "h2", shortened, Now));
        Assert.Equal(Now + TimeSpan.FromMinutes(5), RefreshRedemption.ActiveUntil(Family() with { Grant = Grant with { NotAfter = Now + TimeSpan.FromMinutes(5) } }, "h2", Policy, Now));
        Assert.Null(RefreshRedemption.ActiveUntil(Family(), "h2", Policy with { AbsoluteLifetime = TimeSpan.FromMinutes(60) }, Now));
        // A family stored without a start keeps its token's own expiry.
        Assert.Equal(Now + TimeSpan.FromHours(1), RefreshRedemption.ActiveUntil(Family() with { StartedAt = null }, "h2", shortened, Now));
    }

    private static RefreshFamilyView Bound() => Family() with { Grant = Grant with { DpopThumbprint = "key-1" } };

    [Fact]
    public void A_family_bound_to_a_DPoP_key_rotates_with_a_proof_by_that_key() =>
        AssertAllowed(RefreshRedemption.Decide(Bound(), "h2", Policy, [], "req-2", Now, "key-1"), repeat: false, Now + TimeSpan.FromHours(1), Now - TimeSpan.FromHours(1));

    [Theory]
    [InlineData(null, "the refresh token is bound to a DPoP key; send a DPoP proof signed with it")]
    [InlineData("key-2", "the DPoP proof is not signed with the key the refresh token is bound to")]
    public void A_bound_familys_current_token_without_its_keys_proof_is_refused_and_nothing_rotates(string? presented, string description)
    {
        var decision = RefreshRedemption.Decide(Bound(), "h2", Policy, [], "req-2", Now, presented);

        Assert.Equal(RefreshOutcome.Refused, decision.Outcome);
        Assert.Equal((OAuthErrorCodes.InvalidGrant, description), (decision.Error?.Code, decision.Error?.Description));
        Assert.False(decision.Repeat);
        Assert.Null(decision.StartedAt);
    }

    [Fact]
    public void A_spent_token_of_a_bound_family_is_still_a_reuse_whatever_the_key() =>
        Assert.Equal(RefreshOutcome.ReuseDetected, RefreshRedemption.Decide(Bound(), "h0", Policy, [], "req-2", Now, "key-2").Outcome);

    [Fact]
    public void An_unbound_family_rotates_with_any_proof() =>
        Assert.Equal(RefreshOutcome.Allowed, RefreshRedemption.Decide(Family(), "h2", Policy, [], "req-2", Now, "key-2").Outcome);
}
