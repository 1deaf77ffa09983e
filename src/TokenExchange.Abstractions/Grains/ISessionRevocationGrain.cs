namespace TokenExchange.Abstractions;

/// <summary>
/// When a subject session was revoked (<c>txctl revoke --subject</c>), keyed by the session id that the
/// session's JWT access tokens carry as <c>sid</c>, so introspection finds it from the token alone.
/// </summary>
[Alias("tx.ISessionRevocationGrain")]
public interface ISessionRevocationGrain : IGrainWithStringKey
{
    /// <summary>Tokens of the session issued at or before this time are revoked.</summary>
    [Alias("Revoke")] Task Revoke(DateTimeOffset revokedAt);

    [Alias("GetRevokedAt")] Task<DateTimeOffset?> GetRevokedAt();
}
