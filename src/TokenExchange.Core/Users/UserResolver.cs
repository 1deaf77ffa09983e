using System.Security.Cryptography;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;

namespace TokenExchange.Users;

/// <summary>
/// Maps a subject to a local user (SPEC section 1, step 6): look the user up by the mapping rule; if none
/// exists, create it only where the app's enablement allows; refuse a disabled user.
/// </summary>
public static class UserResolver
{
    public static async Task<UserResolution> ResolveAsync(IUserDirectory directory, UserLookup lookup, string? knownUserId)
    {
        var created = false;
        var userId = knownUserId;
        if (userId is null)
        {
            if (lookup.Value is null)
                return Refuse("the subject token carries no usable value to map a user from", $"mapping claim for {lookup.Attribute} missing or unverified");
            userId = await directory.FindIdAsync(lookup.Attribute, lookup.Value).ConfigureAwait(false);
        }
        UserRecord? user;
        if (userId is null)
        {
            if (!lookup.AllowUserCreation || lookup.Candidate is null)
                return Refuse("no user is mapped to this subject", "no user maps and creation is not allowed");
            (user, var conflict) = await directory.CreateAsync(lookup.Candidate with { Id = NewUserId() }).ConfigureAwait(false);
            if (user is null) return Refuse("a user for this subject could not be created", conflict);
            created = true;
        }
        else
        {
            user = await directory.GetAsync(userId).ConfigureAwait(false);
            if (user is null) return Refuse("no user is mapped to this subject", $"user {userId} no longer exists");
        }
        return user.Enabled ? new UserResolution(user, null, created) : Refuse("the user is disabled", $"user {user.Id} is disabled");
    }

    /// <summary>Ids of users created by an exchange: random, so they reveal nothing of the subject.</summary>
    public static string NewUserId() => "u-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static UserResolution Refuse(string description, string? reason) => new(null, Errors.InvalidGrant(description, reason));
}
