using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// RFC 9449 section 5: refresh tokens issued to a public client in a request with a DPoP proof are bound to the proof's
/// key, and a refresh of them needs a proof by that key; a confidential client's refresh tokens are not bound (its
/// credentials constrain them already). The binding is the refresh family's (<see cref="Sessions.RefreshGrant.DpopThumbprint"/>),
/// kept through every rotation.
/// </summary>
public static class DpopRefreshBinding
{
    public const string ProofMissing = "the refresh token is bound to a DPoP key; send a DPoP proof signed with it";
    public const string OtherKey = "the DPoP proof is not signed with the key the refresh token is bound to";

    /// <summary>The key a refresh token family started by this request is bound to: the proof's, for a public client; else none.</summary>
    /// <param name="clientSecret">The secret the request authenticated with, if any.</param>
    /// <param name="dpopThumbprint">The thumbprint of the request's checked proof's key; null without a proof.</param>
    public static string? KeyFor(AppDefinition app, string? clientSecret, string? dpopThumbprint) =>
        IsPublicClient(app, clientSecret) ? dpopThumbprint : null;

    /// <summary>
    /// Whether the request came from a public client: an app that needs no secret (<c>requireSecret: false</c>), of the
    /// secret methods, that sent none. A mutual-TLS app, or any other authentication method, is a confidential client.
    /// </summary>
    public static bool IsPublicClient(AppDefinition app, string? clientSecret) =>
        !app.RequireSecret
        && string.IsNullOrEmpty(clientSecret)
        && app.TokenEndpointAuthMethod is ClientAuthMethods.ClientSecretBasic or ClientAuthMethods.ClientSecretPost;

    /// <summary>A refresh of a bound family: refused (invalid_grant) unless the request's proof is by the family's key.</summary>
    /// <param name="boundTo">The family's key thumbprint; null for an unbound family.</param>
    /// <param name="presented">The thumbprint of the refresh request's checked proof's key; null without a proof.</param>
    public static OAuthError? Check(string? boundTo, string? presented)
    {
        if (boundTo is null || string.Equals(boundTo, presented, StringComparison.Ordinal)) return null;
        return presented is null
            ? Errors.InvalidGrant(ProofMissing, "no DPoP proof for a DPoP-bound refresh token")
            : Errors.InvalidGrant(OtherKey, "DPoP proof of another key for a DPoP-bound refresh token");
    }
}
