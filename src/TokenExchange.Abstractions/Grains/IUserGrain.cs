using TokenExchange.Definitions;

namespace TokenExchange.Grains;

/// <summary>One local user, keyed by user id.</summary>
[Alias("tx.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<UserRecord?> Get();

    /// <summary>Stores the user; returns false when a user with this id exists already.</summary>
    [Alias("Create")] Task<bool> Create(UserRecord user);

    [Alias("Put")] Task Put(UserRecord user);

    /// <summary>Registers a subject session that caches this user, so it hears of changes at once.</summary>
    [Alias("Watch")] Task Watch(string subjectSessionKey);

    /// <summary>Revokes every opaque access token issued for the user until now.</summary>
    [Alias("RevokeTokens")] Task RevokeTokens();

    /// <summary>Opaque access tokens issued at or before this time are revoked.</summary>
    [Alias("GetTokensRevokedAt")] Task<DateTimeOffset?> GetTokensRevokedAt();

    /// <summary>The subject sessions mapped to this user (to revoke what they issued).</summary>
    [Alias("GetSessions")] Task<string[]> GetSessions();
}
