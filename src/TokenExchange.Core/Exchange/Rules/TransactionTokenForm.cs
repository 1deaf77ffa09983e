namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Whether the request is about a transaction token, and if so that it has what a Txn-Token Request needs
/// (draft-ietf-oauth-transaction-tokens-10, "Txn-Token Request"): a <c>scope</c> (the transaction's purpose) and an
/// <c>audience</c> (the trust domain). A transaction token presented as the subject token asks for its replacement
/// ("Txn-Token as a subject_token"), which is a transaction token again, verified by the cluster itself (so no
/// <c>token_handler</c>) and keeping the context it was issued with (so no new <c>request_details</c> or
/// <c>request_context</c>). A transaction token never acts for anyone (no actor token), and the transaction's
/// parameters belong to transaction token requests alone.
/// </summary>
public static class TransactionTokenForm
{
    public static OAuthError? Check(ExchangeRequest request, string subjectTokenType, string? actorTokenType, out TransactionTokenKind kind)
    {
        var requested = TokenTypes.Normalize(request.RequestedTokenType) == TokenTypes.TxnToken;
        var presented = subjectTokenType == TokenTypes.TxnToken;
        kind = presented ? TransactionTokenKind.Replace : requested ? TransactionTokenKind.Issue : TransactionTokenKind.None;
        if (actorTokenType == TokenTypes.TxnToken) return Errors.InvalidRequest("a transaction token is never an actor_token");
        if (kind == TransactionTokenKind.None)
        {
            return request.RequestDetails is null && request.RequestContext is null
                ? null
                : Errors.InvalidRequest("request_details and request_context are only for transaction tokens (requested_token_type txn_token)");
        }
        if (!requested) return Errors.InvalidRequest("a transaction token is replaced only by a transaction token: requested_token_type must be txn_token");
        if (!string.IsNullOrEmpty(request.ActorToken)) return Errors.InvalidRequest("actor_token is not used with transaction tokens");
        if (request.Scopes.Length == 0) return Errors.InvalidRequest("scope is required for a transaction token: the transaction's purpose");
        if (request.Audiences.Length == 0) return Errors.InvalidRequest("audience is required for a transaction token: the trust domain");
        if (!presented) return null;
        if (!string.IsNullOrEmpty(request.TokenHandler)) return Errors.InvalidRequest("token_handler is not used to replace a transaction token: the cluster verifies its own");
        return request.RequestDetails is null && request.RequestContext is null
            ? null
            : Errors.InvalidRequest("a replacement keeps the transaction's context: request_details and request_context are given only when it is issued");
    }
}
