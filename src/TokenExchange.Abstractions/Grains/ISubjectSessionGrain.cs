using Orleans.Concurrency;
using TokenExchange.Definitions;
using TokenExchange.Sessions;

namespace TokenExchange.Abstractions;

/// <summary>
/// Per (handler, issuer, subject): the mapped user, cached. The only cross-silo call of an exchange,
/// partitioned by subject.
/// </summary>
[Alias("tx.ISubjectSessionGrain")]
public interface ISubjectSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// The subject's user (mapped, or created where the app may), and a refresh token family when the request asks.
    /// A ValueTask and the caller's token, as the exchange's one grain call: Orleans completes the call when the token
    /// is cancelled, so the caller waits on no timer of its own (<c>GrainCallRetry</c>), and answers from a pooled
    /// source, so the await makes no Task. The method's wire alias and arguments are those of the Task form before it.
    /// </summary>
    [Alias("ResolveUser")] ValueTask<UserResolution> ResolveUser(SubjectUserRequest request, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// <see cref="Redeem(string, string, RefreshTokenPolicy, string[], string)"/> with the thumbprint of the refresh
    /// request's DPoP proof key (null without a proof): a family bound to a DPoP key (RFC 9449 section 5) is redeemed
    /// only with a proof by that key. The call without it (an older silo's) is a refresh without a proof.
    /// </summary>
    [Alias("RedeemWithProof")] Task<RefreshResult> Redeem(string familyId, string tokenHash, RefreshTokenPolicy policy, string[] requestedScopes, string requestId, string? dpopThumbprint);

    /// <summary>Ends every refresh token of this session, and the opaque access tokens issued until now.</summary>
    [Alias("RevokeAll")] Task RevokeAll();

    /// <summary>Opaque access tokens of this session issued at or before this time are revoked.</summary>
    [Alias("GetRevokedAt")] Task<DateTimeOffset?> GetRevokedAt();

    /// <summary>Ends one refresh token family (RFC 7009 revocation of one of its tokens).</summary>
    [Alias("RevokeFamily")] Task RevokeFamily(string familyId);

    /// <summary>Whether the token is its family's current, unexpired and unrevoked token, and until when.</summary>
    [Alias("InspectRefreshToken")] Task<DateTimeOffset?> InspectRefreshToken(string familyId, string tokenHash, RefreshTokenPolicy policy);

    /// <summary>
    /// <see cref="InspectRefreshToken"/> with the DPoP key the token's family is bound to, for introspection's <c>cnf</c>
    /// (RFC 9449 section 6.2); null when the token is not active. A method of its own so that an older silo, which lacks
    /// it, still answers the one before it (docs/architecture.md, section 5).
    /// </summary>
    [Alias("InspectBoundRefreshToken")] Task<ActiveRefreshToken?> InspectBoundRefreshToken(string familyId, string tokenHash, RefreshTokenPolicy policy);

    /// <summary>
    /// The identity was unlinked from <paramref name="userId"/>: the session forgets that user (and ends the refresh
    /// tokens issued for it), so the next exchange maps the subject afresh.
    /// </summary>
    [Alias("ForgetUser")] Task ForgetUser(string userId);

    /// <summary>Called by the user grain when the cached user changed.</summary>
    [OneWay, Alias("UserChanged")] Task UserChanged(UserRecord user);
}


/// <summary>An active refresh token as introspection answers it: until when, and the thumbprint of the DPoP key its family is bound to (null: unbound).</summary>
[GenerateSerializer, Immutable, Alias("tx.ActiveRefreshToken")]
public sealed record ActiveRefreshToken(
    [property: Id(0)] DateTimeOffset ExpiresAt,
    [property: Id(1)] string? DpopThumbprint);
