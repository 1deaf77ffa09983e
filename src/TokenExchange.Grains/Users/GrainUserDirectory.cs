using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Users;

namespace TokenExchange.Grains.Users;

/// <summary>
/// The user directory over user grains and index grains: attribute indexes keep attributes unique, link
/// indexes map each external identity to at most one user (the user grain keeps its list of links).
/// </summary>
public sealed class GrainUserDirectory(IGrainFactory grains) : IUserDirectory
{
    public Task<string?> FindIdAsync(UserField attribute, string value) =>
        grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(attribute, value)).Get();

    public Task<string?> FindLinkedAsync(ExternalIdentity identity) =>
        grains.GetGrain<IUserIndexGrain>(UserIndexKey.ForLink(identity)).Get();

    public Task<UserRecord?> GetAsync(string userId) => grains.GetGrain<IUserGrain>(userId).Get();

    public async Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link)
    {
        var grain = grains.GetGrain<IUserGrain>(user.Id);
        // Checked before any index is touched: the indexes of an existing user with this id are its own.
        if (await grain.Get() is not null) return (null, $"user id {user.Id} exists already");
        if (DefinitionRules.UserKeyProblems(user).FirstOrDefault() is { } problem) return (null, problem);
        var linkIndex = grains.GetGrain<IUserIndexGrain>(UserIndexKey.ForLink(link));
        if (await linkIndex.Claim(user.Id) != user.Id) return (null, "the identity is linked to another user");
        if (await ClaimAttributes(user, previous: null) is { } conflict)
        {
            await linkIndex.Release(user.Id);
            return (null, conflict);
        }
        if (await grain.CreateLinked(user, link)) return (user, null);
        await ReleaseAttributes(user, keep: null);
        await linkIndex.Release(user.Id);
        return (null, $"user id {user.Id} exists already");
    }

    public async Task<string?> LinkAsync(string userId, ExternalIdentity identity, bool onePerHandler)
    {
        var linkIndex = grains.GetGrain<IUserIndexGrain>(UserIndexKey.ForLink(identity));
        var owner = await linkIndex.Claim(userId);
        if (owner != userId) return $"the identity is linked to user {owner}";
        if (await grains.GetGrain<IUserGrain>(userId).AddLink(identity, onePerHandler) is not { } refused) return null;
        await linkIndex.Release(userId);
        return refused;
    }

    /// <summary>
    /// Removes a link: its index, the user's record of it, and what the identity's subject session remembers
    /// (its user, and the refresh tokens issued for that user). Each step is idempotent, so a failed unlink can
    /// be repeated. False when the user did not have the link.
    /// </summary>
    public async Task<bool> UnlinkAsync(string userId, ExternalIdentity identity)
    {
        var had = await grains.GetGrain<IUserGrain>(userId).GetLinks() is { } links && links.Contains(identity);
        await grains.GetGrain<IUserIndexGrain>(UserIndexKey.ForLink(identity)).Release(userId);
        await grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(identity.Handler, identity.Issuer, identity.Subject)).ForgetUser(userId);
        return await grains.GetGrain<IUserGrain>(userId).RemoveLink(identity) || had;
    }

    /// <summary>Creates or replaces a user (configuration and administration), keeping the indexes in step.</summary>
    public async Task<string?> PutAsync(UserRecord user)
    {
        if (DefinitionRules.UserKeyProblems(user).FirstOrDefault() is { } problem) return problem;
        var grain = grains.GetGrain<IUserGrain>(user.Id);
        var previous = await grain.Get();
        if (await ClaimAttributes(user, previous) is { } conflict) return conflict;
        await grain.Put(user);
        if (previous is not null) await ReleaseAttributes(previous, keep: user);
        return null;
    }

    private async Task<string?> ClaimAttributes(UserRecord user, UserRecord? previous)
    {
        var claimed = new List<UserField>();
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is not { } value) continue;
            var owner = await grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(attribute, value)).Claim(user.Id);
            if (owner == user.Id) { claimed.Add(attribute); continue; }
            foreach (var done in claimed.Where(a => previous?.Get(a) is null || !SameKey(a, previous.Get(a)!, user.Get(a)!)))
                await grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(done, user.Get(done)!)).Release(user.Id);
            return $"{attribute} is already used by another user";
        }
        return null;
    }

    private async Task ReleaseAttributes(UserRecord user, UserRecord? keep)
    {
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is not { } value) continue;
            if (keep?.Get(attribute) is { } kept && SameKey(attribute, kept, value)) continue;
            await grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(attribute, value)).Release(user.Id);
        }
    }

    private static bool SameKey(UserField attribute, string a, string b) => UserIndexKey.For(attribute, a) == UserIndexKey.For(attribute, b);
}
