namespace TokenExchange.Exchange;

/// <summary>Whether an exchange is about transaction tokens (draft-ietf-oauth-transaction-tokens-10), and how.</summary>
public enum TransactionTokenKind
{
    /// <summary>Not a transaction token request.</summary>
    None,

    /// <summary>A subject token (validated by the app's handler) for a new transaction token.</summary>
    Issue,

    /// <summary>A transaction token presented as the subject token, for a replacement (the draft's "Txn-Token as a subject_token").</summary>
    Replace,
}

/// <summary>
/// An authorized transaction token request: which kind, and the context the token will carry, checked
/// (<see cref="Rules.TransactionContext"/>): <see cref="Details"/> becomes <c>tctx</c>, <see cref="Context"/> part of <c>rctx</c>.
/// </summary>
public sealed record TransactionTokenRequest
{
    public required TransactionTokenKind Kind { get; init; }

    /// <summary>The compact JSON object of <c>request_details</c>, or null.</summary>
    public string? Details { get; init; }

    /// <summary>The compact JSON object of <c>request_context</c>, or null.</summary>
    public string? Context { get; init; }

    /// <summary>The address the request came from, as the front door saw it: the token's <c>rctx.req_ip</c>.</summary>
    public string? RequesterAddress { get; init; }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Kind = {Kind}, Details = {Redacted.Mark(Details)}, Context = {Redacted.Mark(Context)}, RequesterAddress = {RequesterAddress}");
        return true;
    }
}

/// <summary>A transaction token the exchange issued or replaced, as the audit trail records it: the transaction id, never the token.</summary>
/// <param name="Action"><c>issue</c> or <c>replace</c>.</param>
/// <param name="TransactionId">The token's <c>txn</c>.</param>
public sealed record TransactionTokenRecord(string Action, string TransactionId)
{
    public const string Issued = "issue";
    public const string Replaced = "replace";
}
