using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// The app's policy allows what it asks (<see cref="TransactionTokenPolicy"/>): being issued transaction tokens, or
/// replacing them, each a permission of its own (draft-ietf-oauth-transaction-tokens-10, "TTS Issuance Policies").
/// </summary>
public static class TransactionTokenPermission
{
    public static OAuthError? Check(AppDefinition app, TransactionTokenKind kind) => kind switch
    {
        TransactionTokenKind.Issue when !app.TransactionTokens.Issue => Errors.UnauthorizedClient("this client may not be issued transaction tokens"),
        TransactionTokenKind.Replace when !app.TransactionTokens.Replace => Errors.UnauthorizedClient("this client may not replace transaction tokens"),
        _ => null,
    };
}
