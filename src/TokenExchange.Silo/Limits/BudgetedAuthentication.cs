using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Silo.Limits;

/// <summary>
/// A request's client authenticated inside its budgets, in the one order every operation keeps (docs/architecture.md,
/// "Why the rate limits and the token event stay at the front door"): first the budgets of its address and of the app it
/// names there (<see cref="RateLimits.Admit"/>), so a caller over them costs a bucket lookup, never a client assertion's
/// signature check and jti grain call; then the authentication, a refused assertion spending the named app's
/// invalid-token budget at that address (<see cref="RateLimits.RefusedAssertion"/>); then the request budget of the app it
/// authenticated as, which an unauthenticated caller never spends (<see cref="RateLimits.ChargeableApp"/>).
/// </summary>
public static class BudgetedAuthentication
{
    /// <param name="checkInvalidTokens">Whether the named app's invalid-token budget at this address is checked before anything else.</param>
    public static async ValueTask<Admission> AuthenticateAsync(this RateLimits limits, ClientAuthenticator clients, DefinitionSnapshot definitions,
        string? clientId, string? secret, bool requireSecret, ClientCertificate? certificate, ClientAssertion? assertion, string? clientAddress,
        bool checkInvalidTokens, CancellationToken cancellationToken)
    {
        var named = RateLimits.NamedApp(definitions, clientId);
        if (limits.Admit(named, clientAddress, checkInvalidTokens) is { } limited) return new Admission((null, null), limited);
        var authentication = await clients.AuthenticateAsync(definitions, clientId, secret, requireSecret, certificate, assertion, cancellationToken);
        limits.RefusedAssertion(named, assertion, authentication.Error, clientAddress);
        return new Admission(authentication, limits.AdmitAuthenticated(RateLimits.ChargeableApp(authentication.App)));
    }
}

/// <summary>A request's authentication and, when a budget refused it, the refusal (the operation must then not go on).</summary>
/// <param name="Authentication">The authenticated app or why not; empty when a budget refused the request before it was authenticated.</param>
public readonly record struct Admission((AppDefinition? App, OAuthError? Error) Authentication, OAuthError? Limited)
{
    /// <summary>The app the request's later refusals are charged to (<see cref="RateLimits.ChargeableApp"/>).</summary>
    public AppDefinition? ChargedApp => RateLimits.ChargeableApp(Authentication.App);
}
