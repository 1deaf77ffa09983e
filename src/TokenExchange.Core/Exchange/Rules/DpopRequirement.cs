using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// RFC 9449 section 5: an app that requires DPoP (<see cref="AppDefinition.RequireDpop"/>) is refused a token
/// request without a proof, so none of its access tokens is a bearer token. The proof itself is checked after
/// authorization (<see cref="Proofs.DpopProofValidator"/>): it costs a signature check and a replay lookup.
/// </summary>
public static class DpopRequirement
{
    public const string Missing = "a DPoP proof is required for this client";

    public static OAuthError? Check(AppDefinition app, bool hasProof) =>
        app.RequireDpop && !hasProof ? Errors.InvalidDpopProof(Missing, "no DPoP proof from an app that requires DPoP") : null;
}
