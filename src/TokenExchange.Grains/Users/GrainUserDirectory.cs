using TokenExchange.Definitions;
using TokenExchange.Users;

namespace TokenExchange.Grains.Users;

/// <summary>The user directory over user grains and attribute index grains, which keep attributes unique.</summary>
public sealed class GrainUserDirectory(IGrainFactory grains) : IUserDirectory
{
    public Task<string?> FindIdAsync(UserAttribute attribute, string value) =>
        grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(attribute, value)).Get();

    public Task<UserRecord?> GetAsync(string userId) => grains.GetGrain<IUserGrain>(userId).Get();

    public async Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user)
    {
        var grain = grains.GetGrain<IUserGrain>(user.Id);
        // Checked before any index is touched: the indexes of an existing user with this id are its own.
        if (await grain.Get() is not null) return (null, $"user id {user.Id} exists already");
        if (await ClaimAttributes(user, previous: null) is { } conflict) return (null, conflict);
        if (await grain.Create(user)) return (user, null);
        await ReleaseAttributes(user, keep: null);
        return (null, $"user id {user.Id} exists already");
    }

    /// <summary>Creates or replaces a user (configuration and administration), keeping the indexes in step.</summary>
    public async Task<string?> PutAsync(UserRecord user)
    {
        var grain = grains.GetGrain<IUserGrain>(user.Id);
        var previous = await grain.Get();
        if (await ClaimAttributes(user, previous) is { } conflict) return conflict;
        await grain.Put(user);
        if (previous is not null) await ReleaseAttributes(previous, keep: user);
        return null;
    }

    private async Task<string?> ClaimAttributes(UserRecord user, UserRecord? previous)
    {
        var claimed = new List<UserAttribute>();
        foreach (var attribute in Enum.GetValues<UserAttribute>())
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
        foreach (var attribute in Enum.GetValues<UserAttribute>())
        {
            if (user.Get(attribute) is not { } value) continue;
            if (keep?.Get(attribute) is { } kept && SameKey(attribute, kept, value)) continue;
            await grains.GetGrain<IUserIndexGrain>(UserIndexKey.For(attribute, value)).Release(user.Id);
        }
    }

    private static bool SameKey(UserAttribute attribute, string a, string b) => UserIndexKey.For(attribute, a) == UserIndexKey.For(attribute, b);
}
