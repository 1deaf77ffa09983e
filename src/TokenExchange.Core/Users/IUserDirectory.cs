using TokenExchange.Definitions;
using TokenExchange.Handlers;

namespace TokenExchange.Users;

/// <summary>The cluster's user directory, as user mapping needs it.</summary>
public interface IUserDirectory
{
    /// <summary>The id of the user whose <paramref name="attribute"/> equals <paramref name="value"/>, if any.</summary>
    Task<string?> FindIdAsync(UserField attribute, string value);

    /// <summary>The id of the user an external identity is linked to, if any.</summary>
    Task<string?> FindLinkedAsync(ExternalIdentity identity);

    Task<UserRecord?> GetAsync(string userId);

    /// <summary>
    /// Creates the user an exchange described, linked to the identity it was created for, claiming its unique
    /// attributes; null and a reason when one is taken or the identity is linked already. With a
    /// <paramref name="watcher"/> (a subject session's key), that session is registered to hear of the user's changes,
    /// as part of the creation.
    /// </summary>
    Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher = null);

    /// <summary>
    /// Links an identity to an existing user; with <paramref name="onePerHandler"/>, not to a user linked to another
    /// identity of the same handler. Null when linked (or linked already), else why not.
    /// </summary>
    Task<string?> LinkAsync(string userId, ExternalIdentity identity, bool onePerHandler);
}
