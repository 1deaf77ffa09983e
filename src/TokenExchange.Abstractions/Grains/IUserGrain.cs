using TokenExchange.Definitions;

namespace TokenExchange.Abstractions;

/// <summary>One local user, keyed by user id.</summary>
[Alias("tx.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<UserRecord?> Get();

    /// <summary>Stores the user; returns false when a user with this id exists already.</summary>
    [Alias("Create")] Task<bool> Create(UserRecord user);

    /// <summary>
    /// Stores a user created by an exchange, with the link of the identity it was created for; false when the id is
    /// taken. Only silos of versions before <see cref="CreateForSubject"/> call it.
    /// </summary>
    [Alias("CreateLinked")] Task<bool> CreateLinked(UserRecord user, ExternalIdentity link);

    /// <summary>
    /// Creates the user a subject's first exchange described, in one call: claims the identity's link index and the
    /// user's unique attributes, then stores the user with that link and <paramref name="subjectSessionKey"/> as its
    /// watcher in one write. Null when created, else why not (then it holds none of the claims it made). This version
    /// creates users in storage without calling the grain; silos of the version before it call this, and silos of the
    /// versions before that <see cref="CreateLinked"/> and <see cref="Watch"/>.
    /// </summary>
    [Alias("CreateForSubject")] Task<string?> CreateForSubject(UserRecord user, ExternalIdentity link, string subjectSessionKey);

    [Alias("Put")] Task Put(UserRecord user);

    /// <summary>The external identities linked to this user.</summary>
    [Alias("GetLinks")] Task<ExternalIdentity[]> GetLinks();

    /// <summary>
    /// Records a link (idempotent); with <paramref name="onePerHandler"/>, refuses it when the user is linked
    /// to another identity of the same handler. Returns why it was refused, or null.
    /// </summary>
    [Alias("AddLink")] Task<string?> AddLink(ExternalIdentity link, bool onePerHandler);

    /// <summary>Forgets a link; false when the user did not have it.</summary>
    [Alias("RemoveLink")] Task<bool> RemoveLink(ExternalIdentity link);

    /// <summary>The handler whose exchange created this user, if one did (recorded since links exist).</summary>
    [Alias("GetCreatedBy")] Task<string?> GetCreatedBy();

    /// <summary>Registers a subject session that caches this user, so it hears of changes at once.</summary>
    [Alias("Watch")] Task Watch(string subjectSessionKey);

    /// <summary>Revokes every opaque access token issued for the user until now.</summary>
    [Alias("RevokeTokens")] Task RevokeTokens();

    /// <summary>Opaque access tokens issued at or before this time are revoked.</summary>
    [Alias("GetTokensRevokedAt")] Task<DateTimeOffset?> GetTokensRevokedAt();

    /// <summary>The subject sessions mapped to this user (to revoke what they issued).</summary>
    [Alias("GetSessions")] Task<string[]> GetSessions();
}
