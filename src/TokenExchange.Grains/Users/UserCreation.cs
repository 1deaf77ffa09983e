using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using TokenExchange.Abstractions;
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
/// is stored (<see cref="UserIndexClaims"/>), so a user is never stored without them, and a refused claim releases what
/// was claimed; the write is conditional on the record read being absent still, so a second creation under one id
/// fails as a stale write instead of replacing the first (the claims then stay, as after a crash between the two).
/// </para>
/// </summary>
public sealed class UserCreation(
    UserIndexStore indexes,
    [FromKeyedServices(StorageNames.Definitions)] GrainRecordStore records,
    GrainTypeResolver types,
    IGrainFactory grains)
{
    private readonly GrainType userType = types.GetGrainType(typeof(UserGrain));

    /// <summary>Creates <paramref name="user"/> linked to <paramref name="link"/>; null when created, else why not.</summary>
    /// <param name="watcher">The subject session that holds the user from its creation on, stored as its watcher.</param>
    public async Task<string?> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher)
    {
        var id = GrainId.Create(userType, user.Id);
        var record = new GrainState<UserState>(new UserState());
        await records.ReadAsync(UserGrain.StoredStateName, id, record);
        if (record.State?.User is not null) return $"user id {user.Id} exists already";

        var linkKey = UserIndexKey.ForLink(link);
        if (await indexes.ClaimAsync(linkKey, user.Id) != user.Id) return "the identity is linked to another user";
        if (await UserIndexClaims.ClaimAttributes(indexes, user, previous: null) is { } conflict)
        {
            await indexes.ReleaseAsync(linkKey, user.Id);
            return conflict;
        }
        record.State = new UserState { User = user, Links = [link], CreatedBy = link.Handler, Watchers = watcher is null ? [] : [watcher] };
        await records.WriteAsync(UserGrain.StoredStateName, id, record);
        await grains.Reference<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(user.Id)).Add(user.Id);
        return null;
    }
}
