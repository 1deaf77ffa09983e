using System.Security.Cryptography;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;
using TokenExchange.Handlers;

namespace TokenExchange.Users;

/// <summary>
/// Turns a handler's answer into the user tokens are issued for (docs/spec.md, section 1, step 6): an existing user
/// must exist and be enabled; a new user is created only where the app's enablement allows it.
/// </summary>
public static class UserResolver
{
    public static async Task<UserResolution> FromMappingAsync(IUserDirectory directory, UserMappingResult mapping, bool allowUserCreation)
    {
        if (mapping.UserId is { } userId) return await FromKnownAsync(directory, userId).ConfigureAwait(false);
        if (mapping.NewUser is not { } data)
            return Refuse(mapping.ErrorMessage ?? "no user is mapped to this subject", "the handler mapped no user");
        if (!allowUserCreation)
            return Refuse("no user is mapped to this subject", "no user maps and creation is not allowed");
        var (user, conflict) = await directory.CreateAsync(new UserRecord
        {
            Id = NewUserId(),
            Username = data.Username,
            Email = data.Email,
            DisplayName = data.DisplayName,
            FederationId = data.FederationId,
        }).ConfigureAwait(false);
        return user is null ? Refuse("a user for this subject could not be created", conflict) : new UserResolution(user, null, Created: true);
    }

    public static async Task<UserResolution> FromKnownAsync(IUserDirectory directory, string userId)
    {
        var user = await directory.GetAsync(userId).ConfigureAwait(false);
        if (user is null) return Refuse("no user is mapped to this subject", $"user {userId} no longer exists");
        return user.Enabled ? new UserResolution(user, null) : Refuse("the user is disabled", $"user {user.Id} is disabled");
    }

    /// <summary>Ids of users created by an exchange: random, so they reveal nothing of the subject.</summary>
    public static string NewUserId() => "u-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static UserResolution Refuse(string description, string? reason) => new(null, Errors.InvalidGrant(description, reason));
}
