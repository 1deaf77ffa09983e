using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Abstractions;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using TokenExchange.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// Per (handler, issuer, subject): remembers which user the subject maps to and holds that user, so a repeated
/// exchange costs one in-memory call and no other grain: a warm subject is this one activation (docs/architecture.md,
/// section 5). On a miss it runs the handler's user mapping (on this silo's compiled handler). The user grain tells it
/// at once when the user changes (it is a watcher of the user, stored with the user); the held user is also read again
/// after <see cref="CachedUserMaxAge"/>, which bounds staleness should a notification be lost.
/// Activations exist only for subjects whose tokens validated; idle ones go after
/// <see cref="GrainLifetimes.SubjectSession"/> (or the server's --session-idle-timeout), and one session keeps at most <see cref="MaxFamilies"/> refresh token families.
/// Activations and user cache hits are counted (tokenexchange.sessions.active, tokenexchange.session.user_cache.lookups).
/// </summary>
public sealed class SubjectSessionGrain(
    [FromKeyedServices(StorageNames.Sessions)] GrainRecordStore records,
    SessionServices silo) : RecordGrain<SubjectSessionState>(records), ISubjectSessionGrain
{
    /// <summary>
    /// How long a held user is trusted without hearing from its grain. Changes arrive by notification at once; this
    /// only bounds a lost notification, and each read brings the user grain back into memory (from storage), so it is
    /// minutes, not seconds.
    /// </summary>
    public static readonly TimeSpan CachedUserMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most refresh token families one subject keeps (each exchange that asks for a refresh token starts one);
    /// beyond it the oldest is dropped, and its refresh token is refused as revoked.
    /// </summary>
    public const int MaxFamilies = 100;

    protected override string StateName => "session";

    // All an active session holds besides its stored state: the user minting needs, and when it was read.
    private UserRecord? user;
    private DateTimeOffset cachedAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        silo.Metrics.SessionActivated();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        silo.Metrics.SessionDeactivated();
        return Task.CompletedTask;
    }

    /// <remarks>
    /// The token is the caller's, for Orleans to stop the caller's wait; the work goes on when it is cancelled (a user
    /// creation half done would be repeated by the next exchange anyway, and every step is idempotent).
    /// </remarks>
    public async ValueTask<UserResolution> ResolveUser(SubjectUserRequest request, CancellationToken cancellationToken)
    {
        var resolution = await Resolve(request);
        if (resolution.User is null || request.Refresh is not { } grant) return resolution;
        var (token, expiresAt) = await StartFamily(grant, request.RefreshLifetime, request.RefreshAbsoluteLifetime, request.RequestId);
        return resolution with { RefreshToken = token, RefreshExpiresAt = expiresAt };
    }

    public Task<RefreshResult> Redeem(string familyId, string tokenHash, RefreshTokenPolicy policy, string[] requestedScopes, string requestId) =>
        Redeem(familyId, tokenHash, policy, requestedScopes, requestId, dpopThumbprint: null);

    public async Task<RefreshResult> Redeem(string familyId, string tokenHash, RefreshTokenPolicy policy, string[] requestedScopes, string requestId, string? dpopThumbprint)
    {
        var family = State.Families.FirstOrDefault(f => f.Id == familyId);
        var decision = RefreshRedemption.Decide(family?.View(), tokenHash, policy, requestedScopes, requestId, silo.Time.GetUtcNow(), dpopThumbprint);
        if (decision.StartedAt is { } startedAt) family!.StartedAt = startedAt;
        if (decision.Outcome == RefreshOutcome.ReuseDetected)
        {
            // A spent token came back: end the family, the legitimate holder included.
            family!.Revoked = true;
            await Save();
        }
        if (decision.Outcome != RefreshOutcome.Allowed) return new RefreshResult(null, null, null, decision.Error);
        if (State.UserId is not { } userId) return Refused("the refresh token is revoked", "the identity was unlinked from its user");
        var resolved = await UserResolver.FromKnownAsync(silo.Directory, userId);
        if (resolved.User is null) return new RefreshResult(null, null, null, resolved.Error);

        var token = OpaqueTokens.New();
        if (!decision.Repeat)
        {
            family!.SpentHashes.Add(family.CurrentHash);
            family.IssuedFrom = family.CurrentHash;
            family.IssuedFor = requestId;
        }
        family!.CurrentHash = OpaqueTokens.Hash(token);
        family.CurrentExpiresAt = decision.ExpiresAt;
        await Save();
        await RegisterHandle(token, family);
        return new RefreshResult(token, resolved.User, family.Grant, null, family.CurrentExpiresAt);
    }

    public async Task RevokeAll()
    {
        foreach (var family in State.Families) family.Revoked = true;
        State.RevokedAt = silo.Time.GetUtcNow();
        await Save();
        // JWT access tokens name the session only by its id (sid): introspection looks the revocation up there.
        await GrainFactory.Reference<ISessionRevocationGrain>(SubjectSessionKey.SessionId(this.GetPrimaryKeyString())).Revoke(State.RevokedAt.Value);
    }

    public Task<DateTimeOffset?> GetRevokedAt() => Task.FromResult(State.RevokedAt);

    public async Task RevokeFamily(string familyId)
    {
        if (State.Families.FirstOrDefault(f => f.Id == familyId) is not { Revoked: false } family) return;
        family.Revoked = true;
        await Save();
    }

    public Task<DateTimeOffset?> InspectRefreshToken(string familyId, string tokenHash, RefreshTokenPolicy policy) =>
        Task.FromResult(RefreshRedemption.ActiveUntil(State.Families.FirstOrDefault(f => f.Id == familyId)?.View(), tokenHash, policy, silo.Time.GetUtcNow()));

    public Task<ActiveRefreshToken?> InspectBoundRefreshToken(string familyId, string tokenHash, RefreshTokenPolicy policy)
    {
        var family = State.Families.FirstOrDefault(f => f.Id == familyId);
        return Task.FromResult(RefreshRedemption.ActiveUntil(family?.View(), tokenHash, policy, silo.Time.GetUtcNow()) is { } expires
            ? new ActiveRefreshToken(expires, family!.Grant.DpopThumbprint)
            : null);
    }

    private async Task<(string Token, DateTimeOffset ExpiresAt)> StartFamily(RefreshGrant grant, TimeSpan lifetime, TimeSpan absoluteLifetime, string? requestId)
    {
        var token = OpaqueTokens.New();
        var now = silo.Time.GetUtcNow();
        var policy = new RefreshTokenPolicy { Lifetime = lifetime, AbsoluteLifetime = absoluteLifetime };
        if (requestId is not null && State.Families.FirstOrDefault(f => f.IssuedFor == requestId && f.IssuedFrom is null && !f.Revoked) is { } started)
        {
            // The exchange that started this family again (its answer was lost): the same family, a fresh token
            // in place of the undelivered one, rather than a second family.
            started.CurrentHash = OpaqueTokens.Hash(token);
            started.StartedAt ??= now;
            started.CurrentExpiresAt = RefreshRedemption.NewTokenExpiry(started.StartedAt.Value, started.Grant, policy, now);
            await Save();
            await RegisterHandle(token, started);
            return (token, started.CurrentExpiresAt);
        }
        var family = new RefreshFamily
        {
            Id = Guid.NewGuid().ToString("N"),
            Grant = grant,
            CurrentHash = OpaqueTokens.Hash(token),
            StartedAt = now,
            IssuedFor = requestId,
        };
        family.CurrentExpiresAt = RefreshRedemption.NewTokenExpiry(now, grant, policy, now);
        // Families that can no longer be redeemed are dropped, so the state does not grow without bound.
        State.Families.RemoveAll(f => f.Revoked || f.CurrentExpiresAt <= silo.Time.GetUtcNow());
        if (State.Families.Count >= MaxFamilies) State.Families.RemoveRange(0, State.Families.Count - MaxFamilies + 1);
        State.Families.Add(family);
        await Save();
        await RegisterHandle(token, family);
        return (token, family.CurrentExpiresAt);
    }

    /// <summary>The token's handle, by hash, leads a later refresh or introspection back to this session and family.</summary>
    private Task RegisterHandle(string token, RefreshFamily family) =>
        GrainFactory.Reference<ITokenHandleGrain>(OpaqueTokens.RefreshHandleKey(token))
            .Set(new TokenHandle(this.GetPrimaryKeyString(), family.Id, family.Grant.ClientId, family.Grant.HandlerName));

    private static RefreshResult Refused(string description, string? reason = null) => new(null, null, null, Errors.InvalidGrant(description, reason));

    /// <summary>A ValueTask: a hit answers synchronously, and a Task would be allocated for it (issue 15).</summary>
    private async ValueTask<UserResolution> Resolve(SubjectUserRequest request)
    {
        var hit = user is { Enabled: true } && silo.Time.GetUtcNow() - cachedAt < CachedUserMaxAge;
        silo.Metrics.SessionUserLookup(request.HandlerName, hit);
        // A new answer per hit (48 B) rather than one kept with the session: a warm subject's heap counts more than a hit's garbage.
        if (hit) return new UserResolution(user, null);
        user = null;

        var identity = new ExternalIdentity(request.HandlerName, request.Subject.Issuer, request.Subject.Subject);
        if (State.UserId is { } remembered && !State.Linked) await RecordLegacyLink(remembered, identity);

        UserResolution resolution;
        if (State.UserId is { } known)
        {
            resolution = await UserResolver.FromKnownAsync(silo.Directory, known);
        }
        else if (await silo.Directory.FindLinkedAsync(identity) is { } linked)
        {
            // The link decides, before any mapping rule: an identity maps to the user it was linked to.
            resolution = await UserResolver.FromKnownAsync(silo.Directory, linked);
        }
        else
        {
            var handler = silo.Handlers.Get(request.HandlerName);
            if (handler is null) return new UserResolution(null, Errors.InvalidRequest("unknown token_handler"));
            var (mapping, error) = await handler.MapUserAsync(request, new HandlerUserDirectory(silo.Directory), CancellationToken.None);
            if (error is not null) return new UserResolution(null, error);
            // A created user has this session as its watcher already (stored with it, in the same write).
            resolution = await UserResolver.FromMappingAsync(silo.Directory, mapping!, request.AllowUserCreation, identity, watcher: this.GetPrimaryKeyString());
        }

        if (resolution.User is { } resolved)
        {
            user = resolved;
            cachedAt = silo.Time.GetUtcNow();
            if (State.UserId != resolved.Id || !State.Linked)
            {
                State.UserId = resolved.Id;
                State.Linked = true;
                await Save();
            }
            // One string for the id, not one per copy.
            State.UserId = resolved.Id;
            // Last: the user grain stores this session as a watcher (or finds it stored), and leaves memory when idle,
            // since this session now holds what it needs of the user.
            if (!resolution.Created) await GrainFactory.Reference<IUserGrain>(resolved.Id).Watch(this.GetPrimaryKeyString());
        }
        return resolution;
    }

    /// <summary>
    /// A session stored before links existed remembers its user without a link: the mapping it made then is
    /// recorded as this identity's link, so the subject keeps its user. Where the identity was linked since
    /// (by an administrator), that link wins and the remembered user is forgotten.
    /// </summary>
    private async Task RecordLegacyLink(string remembered, ExternalIdentity identity)
    {
        if (await silo.Directory.LinkAsync(remembered, identity, onePerHandler: false) is null)
        {
            State.Linked = true;
            await Save();
            return;
        }
        State.UserId = null;
        await Save();
    }

    public async Task ForgetUser(string userId)
    {
        if (State.UserId != userId) return;
        user = null;
        State.UserId = null;
        State.Linked = false;
        // Refresh tokens were issued for the unlinked user: none may mint for it again through this identity.
        foreach (var family in State.Families) family.Revoked = true;
        await Save();
    }

    public Task UserChanged(UserRecord changed)
    {
        if (changed.Id == State.UserId) user = changed;
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("tx.SubjectSessionState")]
public sealed class SubjectSessionState
{
    [Id(0)] public string? UserId { get; set; }

    /// <summary>Refresh token families issued for this subject (hashes only).</summary>
    [Id(1)] public List<RefreshFamily> Families { get; set; } = [];

    /// <summary>Opaque access tokens issued at or before this time are revoked (txctl revoke --subject).</summary>
    [Id(2)] public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// Whether <see cref="UserId"/> is this identity's recorded link; false in state stored before links existed,
    /// whose mapping is then recorded as a link on the next exchange.
    /// </summary>
    [Id(3)] public bool Linked { get; set; }
}
