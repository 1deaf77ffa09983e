namespace TokenExchange.Exchange;

/// <summary>
/// An OAuth error: <see cref="Code"/> and a client-safe <see cref="Description"/> go on the wire;
/// <see cref="Reason"/> is the exact cause, for the operator's audit log only. <see cref="RetryAfter"/> is
/// set only on a refusal by a rate limit: HTTP answers it with 429 and Retry-After, gRPC with
/// ResourceExhausted and a RetryInfo detail.
/// </summary>
public sealed record OAuthError(
    string Code,
    string Description,
    string? Reason = null,
    TimeSpan? RetryAfter = null);

/// <summary>The OAuth error codes of RFC 6749 section 5.2, RFC 8693 section 2.2.2 and RFC 9449 section 5.</summary>
public static class OAuthErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string InvalidScope = "invalid_scope";
    public const string InvalidTarget = "invalid_target";
    public const string ServerError = "server_error";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>RFC 9449 section 5: the DPoP proof is missing where required, or invalid.</summary>
    public const string InvalidDpopProof = "invalid_dpop_proof";

    /// <summary>RFC 9449 section 8: the DPoP proof must carry the server's nonce, which the answer's DPoP-Nonce holds.</summary>
    public const string UseDpopNonce = "use_dpop_nonce";
}
