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

    public static ExchangeOutcome Success(IssuedTokens tokens, string userId) => new() { Tokens = tokens, UserId = userId };
    public static ExchangeOutcome Failure(OAuthError error) => new() { Error = error };
}
