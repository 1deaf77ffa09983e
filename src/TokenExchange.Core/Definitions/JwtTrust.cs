namespace TokenExchange.Definitions;

/// <summary>What a jwt handler trusts: the IdP's issuer, its keys, the audiences and algorithms it accepts.</summary>
public sealed record JwtTrust
{
    public string? Issuer { get; init; }

    /// <summary>The IdP's JWKS endpoint; fetched, cached and refreshed on an unknown kid.</summary>
    public string? JwksUri { get; init; }

    /// <summary>Inline JWKS document (JSON), as an alternative to <see cref="JwksUri"/>.</summary>
    public string? InlineJwks { get; init; }

    public string[] Audiences { get; init; } = [];

    public string[] Algorithms { get; init; } = ["ES256", "RS256"];

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Trust the cluster's built-in dev issuer (issuer and keys), for the embedded default only.</summary>
    public bool DevIssuer { get; init; }

    /// <summary>Least time between two JWKS fetches; null takes the cluster's default.</summary>
    public TimeSpan? JwksRefreshCooldown { get; init; }

    /// <summary>
    /// The longest lifetime a subject token may have: exp - iat, or without iat exp - now (plus the clock skew).
    /// Bounds how long a stolen long-lived IdP token can be turned into ours.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// When not empty, the IdP clients a subject token may have been issued to: its azp (OIDC) and its client_id
    /// (RFC 9068), whichever it carries, must each be one of these, and it must carry one. Against a confused
    /// deputy exchanging a token that was issued to someone else.
    /// </summary>
    public string[] AuthorizedParties { get; init; } = [];

    /// <summary>The verified-token cache: part of the trust settings, so a change to it starts a new cache.</summary>
    public ValidationCachePolicy ValidationCache { get; init; } = ValidationCachePolicy.Default;
}
