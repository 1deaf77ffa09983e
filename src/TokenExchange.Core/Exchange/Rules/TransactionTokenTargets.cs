namespace TokenExchange.Exchange.Rules;

/// <summary>
/// A transaction token's one audience is the trust domain it is valid in (draft-ietf-oauth-transaction-tokens-10:
/// the request's <c>audience</c> "MUST be set to the Trust Domain name"); no other audience or resource, and not the
/// app's allowed audiences, which are for access tokens.
/// </summary>
public static class TransactionTokenTargets
{
    public static OAuthError? Check(ExchangeRequest request, string trustDomain)
    {
        var targets = Distinct.Of(request.Audiences, request.Resources);
        return targets is [var only] && only == trustDomain
            ? null
            : Errors.InvalidTarget($"a transaction token's audience is the trust domain '{ParameterText.Printable(trustDomain)}', and only it");
    }
}
