using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Grains.Users;

/// <summary>
/// Claims and releases a user's attribute values in their index entries (<see cref="UserIndexStore"/>), for the directory
/// (administration) and for <see cref="UserCreation"/> (a subject's first exchange). Claims go one attribute at a time in one fixed order, so of two users
/// racing for the same values one always wins; claims are made before the user is stored, so a user is never stored
/// without its index entries.
/// </summary>
public static class UserIndexClaims
{
    /// <summary>
    /// Claims every attribute value of <paramref name="user"/>; on the first taken one, releases what this call claimed
    /// (never a value <paramref name="previous"/> already owned) and says which attribute was taken.
    /// </summary>
    public static async Task<string?> ClaimAttributes(UserIndexStore indexes, UserRecord user, UserRecord? previous)
    {
        List<UserField>? claimed = null;
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is not { } value) continue;
            var owner = await indexes.ClaimAsync(UserIndexKey.For(attribute, value), user.Id);
            if (owner == user.Id) { (claimed ??= []).Add(attribute); continue; }
            foreach (var done in claimed ?? [])
            {
                if (previous?.Get(done) is { } kept && SameKey(done, kept, user.Get(done)!)) continue;
                await indexes.ReleaseAsync(UserIndexKey.For(done, user.Get(done)!), user.Id);
            }
            return $"{attribute} is already used by another user";
        }
        return null;
    }

    /// <summary>Releases the attribute values of <paramref name="user"/>, except those <paramref name="keep"/> still uses.</summary>
    public static async Task ReleaseAttributes(UserIndexStore indexes, UserRecord user, UserRecord? keep)
    {
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is not { } value) continue;
            if (keep?.Get(attribute) is { } kept && SameKey(attribute, kept, value)) continue;
            await indexes.ReleaseAsync(UserIndexKey.For(attribute, value), user.Id);
        }
    }

    private static bool SameKey(UserField attribute, string a, string b) => UserIndexKey.For(attribute, a) == UserIndexKey.For(attribute, b);
}
