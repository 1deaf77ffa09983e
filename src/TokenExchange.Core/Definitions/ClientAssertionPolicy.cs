namespace TokenExchange.Definitions;

/// <summary>
/// What authenticates an app whose method is <c>private_key_jwt</c> (docs/spec.md section 10): a client assertion
/// (RFC 7523 section 2.2) signed by one of the app's own keys (<see cref="Jwks"/> or <see cref="JwksUri"/>), or a
/// workload identity token whose issuer and subject are one of its <see cref="FederatedCredentials"/>. No secret.
/// </summary>
public sealed record ClientAssertionPolicy
{
    /// <summary>The app's public keys as a JWKS document (inline in configuration); null when none or by URI.</summary>
    public string? Jwks { get; init; }

    /// <summary>Where the app publishes its public keys (a JWKS document, fetched and cached as a handler's).</summary>
    public string? JwksUri { get; init; }

    /// <summary>Workload identities that authenticate as the app with a token of their issuer (a Kubernetes service account, a SPIFFE ID).</summary>
    public FederatedCredential[] FederatedCredentials { get; init; } = [];

    /// <summary>Whether the app has keys of its own (an assertion it signs itself is then possible).</summary>
    public bool HasOwnKeys => Jwks is not null || JwksUri is not null;
}

/// <summary>
/// One workload identity an app trusts: tokens of <see cref="Issuer"/> for <see cref="Subject"/> authenticate as the
/// app. Keys come from <see cref="JwksUri"/>, or else from the issuer's OpenID discovery document
/// (<c>{issuer}/.well-known/openid-configuration</c>, its <c>jwks_uri</c>), as a Kubernetes API server publishes them.
/// </summary>
public sealed record FederatedCredential
{
    /// <summary>The token's <c>iss</c>, exactly (e.g. <c>https://kubernetes.default.svc.cluster.local</c>).</summary>
    public required string Issuer { get; init; }

    /// <summary>The token's <c>sub</c>, exactly (<c>system:serviceaccount:NS:NAME</c>, <c>spiffe://DOMAIN/PATH</c>).</summary>
    public required string Subject { get; init; }

    /// <summary>The <c>aud</c> value the token must carry; null: the cluster's issuer or the token endpoint's URL.</summary>
    public string? Audience { get; init; }

    /// <summary>The issuer's JWKS; null: found through the issuer's OpenID discovery.</summary>
    public string? JwksUri { get; init; }

    /// <summary>
    /// Whether a token is accepted once only (its <c>jti</c> required and remembered until it expires). Off by default:
    /// a projected service account token or a JWT-SVID is reused by its workload until it is renewed.
    /// </summary>
    public bool OneTimeUse { get; init; }
}
