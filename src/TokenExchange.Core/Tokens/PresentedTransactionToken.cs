namespace TokenExchange.Tokens;

/// <summary>A transaction token the cluster verified (<see cref="TransactionTokens.VerifyAsync"/>), as its replacement needs it.</summary>
public sealed record PresentedTransactionToken
{
    /// <summary>The transaction (<c>txn</c>): a replacement keeps it.</summary>
    public required string TransactionId { get; init; }

    /// <summary>The principal (<c>sub</c>, a user id of this cluster): a replacement keeps it.</summary>
    public required string Subject { get; init; }

    /// <summary>The token's <c>scope</c>: a replacement's is the same or narrower.</summary>
    public required string[] Scopes { get; init; }

    /// <summary>Every workload that requested a token of this transaction, the first (the edge) first, this token's last.</summary>
    public required string[] CallChain { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The <c>tctx</c> JSON object, unchanged by a replacement; null when the token has none.</summary>
    public string? TransactionContext { get; init; }

    /// <summary>The <c>rctx</c> JSON object; null when the token has none.</summary>
    public string? RequestContext { get; init; }
}
