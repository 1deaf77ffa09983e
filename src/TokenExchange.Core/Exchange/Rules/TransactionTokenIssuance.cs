using TokenExchange.Sessions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// Issuing a transaction token for a validated subject (draft-ietf-oauth-transaction-tokens-10). Its scope is the
/// transaction's purpose and never more than the subject token grants: "The TTS MUST ensure that the requested
/// scope of the Txn-Token is equal or less than the scope(s) associated with the original subject_token", and a
/// subject token whose scope cannot be determined is refused, never treated as unconstrained ("Unknown
/// subject_token scope"). The subject token's scope is its <c>scope</c> claim (RFC 8693 section 4.2, RFC 9068),
/// space-separated. How the subject authenticated (the token's <c>rctx.authn</c>) is the subject token's first
/// <c>amr</c> value (RFC 8176), else its <c>acr</c>.
/// </summary>
public static class TransactionTokenIssuance
{
    public static OAuthError? CheckScopes(string[] scopes, ValidatedSubject subject)
    {
        if (!subject.Claims.TryGetValue("scope", out var granted) || string.IsNullOrWhiteSpace(granted))
            return Errors.InvalidScope("the subject token carries no scope, so a transaction token's scope cannot be bounded by it");
        var grantedScopes = granted.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var scope in scopes)
        {
            if (Array.IndexOf(grantedScopes, scope) < 0)
                return Errors.InvalidScope($"scope '{ParameterText.Printable(scope)}' is wider than the subject token's");
        }
        return null;
    }

    public static string? Authentication(ValidatedSubject subject) =>
        subject.Claims.TryGetValue("amr", out var amr) && amr.Length > 0 ? amr
        : subject.Claims.TryGetValue("acr", out var acr) && acr.Length > 0 ? acr
        : null;
}
