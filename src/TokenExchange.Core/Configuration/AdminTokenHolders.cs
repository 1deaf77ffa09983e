namespace TokenExchange.Configuration;

/// <summary>
/// Whose access tokens (with the admin scope) count as admin credentials, from the <c>admin:</c> section of the
/// server's configuration file: a token counts only when it was issued to one of <see cref="Clients"/>, and, when
/// <see cref="Users"/> is not empty, for one of those users. Both lists must match, not either: an app that may
/// exchange tokens of users created just in time from a partner's IdP must not make those users admins, and a
/// listed user's token obtained through some other app is not an admin credential either.
/// </summary>
public sealed record AdminTokenHolders(IReadOnlyList<string> Clients, IReadOnlyList<string> Users)
{
    /// <summary>The default: no token is an admin credential, only the admin key is.</summary>
    public static readonly AdminTokenHolders None = new([], []);

    public bool AllowsClient(string? clientId) => clientId is not null && Clients.Contains(clientId, StringComparer.Ordinal);

    public bool AllowsUser(string? userId) => Users.Count == 0 || (userId is not null && Users.Contains(userId, StringComparer.Ordinal));
}
