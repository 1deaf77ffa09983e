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
public sealed class GrainUserDirectory(IGrainFactory grains, UserIndexStore indexes, UserCreation creation) : IUserDirectory
{
    public Task<string?> FindIdAsync(UserField attribute, string value) => indexes.GetAsync(UserIndexKey.For(attribute, value));

    public Task<string?> FindLinkedAsync(ExternalIdentity identity) => indexes.GetAsync(UserIndexKey.ForLink(identity));

    public Task<UserRecord?> GetAsync(string userId) => grains.Reference<IUserGrain>(userId).Get();

    /// <summary>
    /// A subject's first exchange stores its new user, link and watcher in one write, without activating the user's
    /// grain (<see cref="UserCreation"/>).
    /// </summary>
    public async Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher = null)
    {
        if (DefinitionRules.UserKeyProblems(user).FirstOrDefault() is { } problem) return (null, problem);
        return await creation.CreateAsync(user, link, watcher) is { } conflict ? (null, conflict) : (user, null);
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
