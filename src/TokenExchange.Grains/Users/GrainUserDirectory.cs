using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Users;

namespace TokenExchange.Grains.Users;

/// <summary>
/// The user directory over user grains and index entries (<see cref="UserIndexStore"/>): attribute indexes keep
/// attributes unique, link indexes map each external identity to at most one user (the user grain keeps its list of links).
/// </summary>
public sealed class GrainUserDirectory(IGrainFactory grains, UserIndexStore indexes) : IUserDirectory
{
    public Task<string?> FindIdAsync(UserField attribute, string value) => indexes.GetAsync(UserIndexKey.For(attribute, value));

    public Task<string?> FindLinkedAsync(ExternalIdentity identity) => indexes.GetAsync(UserIndexKey.ForLink(identity));

    public Task<UserRecord?> GetAsync(string userId) => grains.Reference<IUserGrain>(userId).Get();

    /// <summary>
    /// A subject's first exchange makes one call to the new user's grain, which claims the indexes and stores the user,
    /// its link and the session as its watcher (<see cref="IUserGrain.CreateForSubject"/>). A user grain on an older
    /// silo lacks that method (a rolling upgrade): then the steps are made from here, as before it.
    /// </summary>
    public async Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher = null)
    {
        if (DefinitionRules.UserKeyProblems(user).FirstOrDefault() is { } problem) return (null, problem);
        var grain = grains.Reference<IUserGrain>(user.Id);
        if (watcher is null) return await CreateStepwise(grain, user, link, watcher: null);
        string? conflict;
        try
        {
            conflict = await grain.CreateForSubject(user, link, watcher);
        }
        catch (Exception e) when (e is not (TimeoutException or OperationCanceledException))
        {
            // Any other failure is retried step by step: each step is idempotent for this user id, and one that fails
            // again (storage) fails the exchange as before.
            return await CreateStepwise(grain, user, link, watcher);
        }
        return conflict is null ? (user, null) : (null, conflict);
    }

    private async Task<(UserRecord? User, string? Conflict)> CreateStepwise(IUserGrain grain, UserRecord user, ExternalIdentity link, string? watcher)
    {
        // Checked before any index is touched: the indexes of an existing user with this id are its own.
        if (await grain.Get() is not null) return (null, $"user id {user.Id} exists already");
        var linkKey = UserIndexKey.ForLink(link);
        if (await indexes.ClaimAsync(linkKey, user.Id) != user.Id) return (null, "the identity is linked to another user");
        if (await UserIndexClaims.ClaimAttributes(indexes, user, previous: null) is { } conflict)
        {
            await indexes.ReleaseAsync(linkKey, user.Id);
            return (null, conflict);
        }
        if (await grain.CreateLinked(user, link))
        {
            if (watcher is not null) await grain.Watch(watcher);
            return (user, null);
        }
        await UserIndexClaims.ReleaseAttributes(indexes, user, keep: null);
        await indexes.ReleaseAsync(linkKey, user.Id);
        return (null, $"user id {user.Id} exists already");
    }

    public async Task<string?> LinkAsync(string userId, ExternalIdentity identity, bool onePerHandler)
    {
        var linkKey = UserIndexKey.ForLink(identity);
        var owner = await indexes.ClaimAsync(linkKey, userId);
        if (owner != userId) return $"the identity is linked to user {owner}";
        if (await grains.Reference<IUserGrain>(userId).AddLink(identity, onePerHandler) is not { } refused) return null;
        await indexes.ReleaseAsync(linkKey, userId);
        return refused;
    }

    /// <summary>
    /// Removes a link: its index, the user's record of it, and what the identity's subject session remembers
    /// (its user, and the refresh tokens issued for that user). Each step is idempotent, so a failed unlink can
    /// be repeated. False when the user did not have the link.
    /// </summary>
    public async Task<bool> UnlinkAsync(string userId, ExternalIdentity identity)
    {
        var had = await grains.Reference<IUserGrain>(userId).GetLinks() is { } links && links.Contains(identity);
        await indexes.ReleaseAsync(UserIndexKey.ForLink(identity), userId);
        await grains.Reference<ISubjectSessionGrain>(SubjectSessionKey.For(identity.Handler, identity.Issuer, identity.Subject)).ForgetUser(userId);
        return await grains.Reference<IUserGrain>(userId).RemoveLink(identity) || had;
    }

    /// <summary>Creates or replaces a user (configuration and administration), keeping the indexes in step.</summary>
    public async Task<string?> PutAsync(UserRecord user)
    {
        if (DefinitionRules.UserKeyProblems(user).FirstOrDefault() is { } problem) return problem;
        var grain = grains.Reference<IUserGrain>(user.Id);
        var previous = await grain.Get();
        if (await UserIndexClaims.ClaimAttributes(indexes, user, previous) is { } conflict) return conflict;
        await grain.Put(user);
        if (previous is not null) await UserIndexClaims.ReleaseAttributes(indexes, previous, keep: user);
        return null;
    }
}
