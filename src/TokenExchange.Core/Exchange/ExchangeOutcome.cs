namespace TokenExchange.Exchange;

/// <summary>
/// The result of an exchange: tokens or an OAuth error. Errors travel as values, not exceptions,
/// because they are an expected outcome on the hot path and cross grain boundaries.
/// </summary>
public sealed record ExchangeOutcome
{
    public IssuedTokens? Tokens { get; init; }
    public OAuthError? Error { get; init; }

    /// <summary>The local user the tokens were issued for, for audit.</summary>
    public string? UserId { get; init; }

    /// <summary>The transaction token issued or replaced, for audit (its <c>txn</c>, never the token).</summary>
    public TransactionTokenRecord? Transaction { get; init; }

    /// <summary>
    /// A DPoP nonce for the client's next proofs (RFC 9449 section 8): with use_dpop_nonce, or on any answer when the
    /// proof's nonce is about to expire. HTTP sends it as the DPoP-Nonce header, gRPC as dpop-nonce (docs/spec.md section 9).
    /// </summary>
    public string? DpopNonce { get; init; }

    public static ExchangeOutcome Success(IssuedTokens tokens, string userId) => new() { Tokens = tokens, UserId = userId };
    public static ExchangeOutcome Failure(OAuthError error) => new() { Error = error };
}
