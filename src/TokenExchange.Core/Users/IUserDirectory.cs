using TokenExchange.Definitions;

namespace TokenExchange.Users;

/// <summary>The cluster's user directory, as user mapping needs it.</summary>
public interface IUserDirectory
{
    /// <summary>The id of the user whose <paramref name="attribute"/> equals <paramref name="value"/>, if any.</summary>
    Task<string?> FindIdAsync(UserAttribute attribute, string value);

    Task<UserRecord?> GetAsync(string userId);

    /// <summary>Creates the user, claiming its unique attributes; null and a reason when one is taken.</summary>
    Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user);
}
