namespace TokenExchange.Handlers;

/// <summary>
/// A token exchange handler, as Salesforce's Apex handler in .NET: it validates the token a client
/// presents, then finds (or describes) the local user for the token's subject. The cluster decides
/// scopes, targets and which tokens are issued; it creates a user the handler describes only where the
/// app's enablement allows user creation.
/// </summary>
/// <remarks>
/// One instance serves every exchange of its handler on a silo, concurrently: keep no per-request state in
/// fields. Each call has a time budget (the definition's timeout); a handler that throws, overruns its
/// budget or returns nonsense fails that exchange only.
/// </remarks>
public abstract class TokenExchangeHandler
{
    /// <summary>Validates the incoming token (Salesforce: validateIncomingToken).</summary>
    public abstract Task<TokenValidationResult> ValidateTokenAsync(TokenValidationContext context);

    /// <summary>Finds the local user for the validated subject, or describes one to create (Salesforce: getUserForTokenSubject).</summary>
    public abstract Task<UserMappingResult> GetUserAsync(UserMappingContext context);
}
