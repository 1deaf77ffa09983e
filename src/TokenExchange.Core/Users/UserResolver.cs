using System.Security.Cryptography;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Users;

/// <summary>
/// Turns a handler's answer into the user tokens are issued for (docs/spec.md, section 1, step 6), and links the
/// subject's identity to it: an existing user must exist, be enabled and not be linked to another identity
/// of the same handler; a new user is created, linked, only where the app's enablement allows it.
/// </summary>
public static class UserResolver
{
    /// <param name="watcher">The subject session that will hold a created user (<see cref="IUserDirectory.CreateAsync"/>).</param>
    public static async Task<UserResolution> FromMappingAsync(IUserDirectory directory, UserMappingResult mapping, bool allowUserCreation, ExternalIdentity identity, string? watcher = null)
    {
        if (mapping.UserId is { } userId)
        {
            var known = await FromKnownAsync(directory, userId).ConfigureAwait(false);
            if (known.User is null) return known;
            // One identity per handler and user: otherwise a second IdP account (or a second user at a plugin's
            // directory) whose claim matches would take over the user the first is linked to.
            return await directory.LinkAsync(userId, identity, onePerHandler: true).ConfigureAwait(false) is { } refused
                ? Refuse("the user is already linked to another identity of this token handler", refused)
                : known;
        }
        if (mapping.NewUser is not { } data)
            return Refuse(mapping.ErrorMessage ?? "no user is mapped to this subject", "the handler mapped no user");
        if (!allowUserCreation)
            return Refuse("no user is mapped to this subject", "no user maps and creation is not allowed");
        var candidate = new UserRecord
        {
            Id = NewUserId(),
            Username = data.Username,
            Email = data.Email,
            DisplayName = data.DisplayName,
            FederationId = data.FederationId,
        };
        if (DefinitionRules.UserKeyProblems(candidate).FirstOrDefault() is { } problem)
            return Refuse($"the subject token's {problem}, so no user can be created for it", problem);
        var (user, conflict) = await directory.CreateAsync(candidate, identity, watcher).ConfigureAwait(false);
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
