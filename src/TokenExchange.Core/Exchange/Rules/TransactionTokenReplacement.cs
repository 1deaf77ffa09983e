using TokenExchange.Tokens;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Replacing a verified transaction token (draft-ietf-oauth-transaction-tokens-10, "Txn-Token as a subject_token"):
/// the replacement may only narrow what the token permits ("MUST NOT enable modification to asserted values that
/// expand the scope of permitted actions"), so its scope is the presented token's or a part of it; and since it
/// keeps the call chain of the workloads that requested the token being replaced, a chain longer than
/// <see cref="MaxCallChain"/> is refused rather than carried on (the token travels in an HTTP header).
/// </summary>
public static class TransactionTokenReplacement
{
    /// <summary>The most workloads one transaction's tokens name (the issuer's requester and every replacing one).</summary>
    public const int MaxCallChain = 16;

    public static OAuthError? Check(string[] scopes, PresentedTransactionToken presented)
    {
        foreach (var scope in scopes)
        {
            if (Array.IndexOf(presented.Scopes, scope) < 0)
                return Errors.InvalidScope($"scope '{ParameterText.Printable(scope)}' is wider than the transaction token's: a replacement may only narrow it");
        }
        return presented.CallChain.Length >= MaxCallChain
            ? Errors.InvalidRequest($"the transaction token was replaced too often: at most {MaxCallChain} workloads request tokens of one transaction")
            : null;
    }
}
