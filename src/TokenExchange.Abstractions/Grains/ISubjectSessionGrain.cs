using Orleans.Concurrency;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Grains;

/// <summary>
/// Per (handler, issuer, subject): the mapped user, cached. The only cross-silo call of an exchange,
/// partitioned by subject.
/// </summary>
[Alias("tx.ISubjectSessionGrain")]
public interface ISubjectSessionGrain : IGrainWithStringKey
{
    [Alias("ResolveUser")] Task<UserResolution> ResolveUser(SubjectUserRequest request);

    /// <summary>
    /// Redeems a refresh token of a family: the current one rotates (a new token, the old one spent);
    /// a spent one means the family leaked, and the whole family is revoked.
    /// </summary>
    /// <remarks>
    /// Scopes asked for beyond those the family was granted are refused before anything rotates. The new token
    /// lives the policy's lifetime, but never past the family's absolute lifetime nor its grant's NotAfter.
    /// Idempotent per <paramref name="requestId"/> (chosen by the redeeming silo, never by a client): a repeat of
    /// the redemption that spent the token rotates again instead of revoking the family, so a silo that died
    /// before answering costs nothing.
    /// </remarks>
    [Alias("Redeem")] Task<RefreshResult> Redeem(string familyId, string tokenHash, RefreshTokenPolicy policy, string[] requestedScopes, string requestId);

    /// <summary>Ends every refresh token of this session, and the opaque access tokens issued until now.</summary>
    [Alias("RevokeAll")] Task RevokeAll();

    /// <summary>Opaque access tokens of this session issued at or before this time are revoked.</summary>
    [Alias("GetRevokedAt")] Task<DateTimeOffset?> GetRevokedAt();

    /// <summary>Ends one refresh token family (RFC 7009 revocation of one of its tokens).</summary>
    [Alias("RevokeFamily")] Task RevokeFamily(string familyId);

    /// <summary>Whether the token is its family's current, unexpired and unrevoked token, and until when.</summary>
    [Alias("InspectRefreshToken")] Task<DateTimeOffset?> InspectRefreshToken(string familyId, string tokenHash, RefreshTokenPolicy policy);

    /// <summary>
    /// The identity was unlinked from <paramref name="userId"/>: the session forgets that user (and ends the refresh
    /// tokens issued for it), so the next exchange maps the subject afresh.
    /// </summary>
    [Alias("ForgetUser")] Task ForgetUser(string userId);

    /// <summary>Called by the user grain when the cached user changed.</summary>
    [OneWay, Alias("UserChanged")] Task UserChanged(UserRecord user);
}

/// <summary>What the handler asks of a subject session: the user for this validated subject.</summary>
[GenerateSerializer, Immutable, Alias("tx.SubjectUserRequest")]
public sealed record SubjectUserRequest
{
    [Id(0)] public required string HandlerName { get; init; }
    [Id(1)] public required string AppName { get; init; }

    /// <summary>Whether the app's enablement of the handler lets this exchange create a user.</summary>
    [Id(2)] public bool AllowUserCreation { get; init; }

    [Id(3)] public required ValidatedSubject Subject { get; init; }

    /// <summary>When set, a refresh token family is started for the user in the same call.</summary>
    [Id(4)] public RefreshGrant? Refresh { get; init; }
    [Id(5)] public TimeSpan RefreshLifetime { get; init; }

    /// <summary>How long the family started may last, however often it rotates (the app's absolute lifetime).</summary>
    [Id(6)] public TimeSpan RefreshAbsoluteLifetime { get; init; }

    /// <summary>
    /// Set by the silo that sends the request (never by a client) when it starts a refresh token family:
    /// the same id again is a repeat of a call whose answer was lost, and gets the same family.
    /// </summary>
    [Id(7)] public string? RequestId { get; init; }
}

/// <summary>A subject as the handler's validation found it.</summary>
[GenerateSerializer, Immutable, Alias("tx.ValidatedSubject")]
public sealed record ValidatedSubject
{
    [Id(0)] public required string Subject { get; init; }
    [Id(1)] public required string Issuer { get; init; }
    [Id(2)] public Dictionary<string, string> Claims { get; init; } = [];
    [Id(3)] public string? Username { get; init; }
    [Id(4)] public string? Email { get; init; }
    [Id(5)] public string? DisplayName { get; init; }
    [Id(6)] public string? FederationId { get; init; }
    [Id(7)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether the IdP says the email is verified: a JSON true only (never the string "true").</summary>
    [Id(8)] public bool EmailVerified { get; init; }
}

[GenerateSerializer, Immutable, Alias("tx.UserResolution")]
public sealed record UserResolution(
    [property: Id(0)] UserRecord? User,
    [property: Id(1)] OAuthError? Error,
    [property: Id(2)] bool Created = false)
{
    /// <summary>The refresh token issued with the user, when one was asked for.</summary>
    [Id(3)] public string? RefreshToken { get; init; }
    [Id(4)] public DateTimeOffset RefreshExpiresAt { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"User = {User?.Id}, Error = {Error?.Code}, Created = {Created}, RefreshToken = {Redacted.Mark(RefreshToken)}, RefreshExpiresAt = {RefreshExpiresAt:O}");
        return true;
    }
}
