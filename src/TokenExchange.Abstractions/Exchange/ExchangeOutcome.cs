namespace TokenExchange.Exchange;

/// <summary>
/// The result of an exchange: tokens or an OAuth error. Errors travel as values, not exceptions,
/// because they are an expected outcome on the hot path and cross grain boundaries.
/// </summary>
[GenerateSerializer, Immutable, Alias("tx.ExchangeOutcome")]
public sealed record ExchangeOutcome
{
    [Id(0)] public IssuedTokens? Tokens { get; init; }
    [Id(1)] public OAuthError? Error { get; init; }

    /// <summary>The local user the tokens were issued for, for audit.</summary>
    [Id(2)] public string? UserId { get; init; }

    public static ExchangeOutcome Success(IssuedTokens tokens, string userId) => new() { Tokens = tokens, UserId = userId };
    public static ExchangeOutcome Failure(OAuthError error) => new() { Error = error };
}
