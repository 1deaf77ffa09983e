using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Metadata;
using TokenExchange.Definitions;

namespace TokenExchange.Grains.Users;

/// <summary>
/// Creates a user linked to an external identity (a subject's first exchange), writing the user's record in storage
/// rather than through its grain: the new user's grain was activated only to store one record and was not asked again
/// before the session that holds the user went idle, so that activation and its call were a large part of what a first
/// exchange allocated (docs/architecture.md, "A new subject's first exchange"). The record is the one
/// <see cref="UserGrain"/> reads when it is next activated: the user, its link, who created it and the session that
/// holds it as its watcher, in one write.
/// <para>
/// The order keeps <see cref="UserGrain"/>'s guarantees: a user whose id is stored already is refused before any index
/// entry is touched (those entries are the existing user's); the link and attribute entries are claimed before the user
/// is stored (<see cref="UserIndexClaims"/>), so a user is never stored without them; the write is conditional on the
/// record read being absent still, so a second creation under one id fails as a stale write instead of replacing the
/// first. A creation that is refused or fails halfway (storage, the catalog unreachable) releases what it claimed, so
/// the subject's next exchange starts afresh instead of finding its identity linked to a user that was never stored;
/// except what a user stored under the id has (<see cref="ReleaseUnstored"/>). The catalog bucket lists the id before
/// the user is stored: a listing skips an id without a user, but would never show a user whose listing failed after
/// it was stored.
/// </para>
/// </summary>
public sealed partial class UserCreation(
    UserIndexStore indexes,
    [FromKeyedServices(StorageNames.Definitions)] GrainRecordStore records,
    GrainTypeResolver types,
    IUserCatalog catalog,
    ILogger<UserCreation> logger)
{
    private readonly GrainType userType = types.GetGrainType(typeof(UserGrain));

    /// <summary>Creates <paramref name="user"/> linked to <paramref name="link"/>; null when created, else why not.</summary>
    /// <param name="watcher">The subject session that holds the user from its creation on, stored as its watcher.</param>
    public async Task<string?> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher)
    {
        var id = GrainId.Create(userType, user.Id);
        var record = await records.ReadAsync<UserState>(UserGrain.StoredStateName, id);
        if (record.State?.User is not null) return $"user id {user.Id} exists already";

        var linkKey = UserIndexKey.ForLink(link);
        if (await indexes.ClaimAsync(linkKey, user.Id) != user.Id) return "the identity is linked to another user";
        var writing = false;
        try
        {
            if (await UserIndexClaims.ClaimAttributes(indexes, user, previous: null) is { } conflict)
            {
                await indexes.ReleaseAsync(linkKey, user.Id);
                return conflict;
            }
            await catalog.ListAsync(user.Id);
            record.State = new UserState { User = user, Links = [link], CreatedBy = link.Handler, Watchers = watcher is null ? [] : [watcher] };
            writing = true;
            await records.WriteAsync(UserGrain.StoredStateName, id, record);
        }
        catch (Exception)
        {
            await ReleaseUnstored(user, link, linkKey, id, writing);
            throw;
        }
        return null;
    }

    /// <summary>
    /// Releases what a failed creation claimed, except what a user stored under its id has: a write reported as failed
    /// may have been stored all the same (a timeout after the commit), and a stale write means another creation stored a
    /// user under the same id; either user keeps its entries, so a user is never stored without them. Entries are
    /// released only where this id owns them (ids are random: no other creation claims under this one but by that stale write). Where storage cannot say or release (it is down), the entries stay as
    /// after a crash, and the creation's own failure is the one reported.
    /// </summary>
    private async Task ReleaseUnstored(UserRecord user, ExternalIdentity link, string linkKey, GrainId id, bool written)
    {
        try
        {
            var stored = written ? (await records.ReadAsync<UserState>(UserGrain.StoredStateName, id)).State : null;
            await UserIndexClaims.ReleaseAttributes(indexes, user, keep: stored?.User);
            if (stored?.Links.Contains(link) != true) await indexes.ReleaseAsync(linkKey, user.Id);
        }
        catch (Exception e)
        {
            LogClaimsKept(logger, e, user.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A user creation that failed could not release its index entries; they stay claimed by {UserId}")]
    private static partial void LogClaimsKept(ILogger logger, Exception e, string userId);
}
