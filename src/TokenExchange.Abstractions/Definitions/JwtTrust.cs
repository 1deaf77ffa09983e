namespace TokenExchange.Definitions;

/// <summary>What a jwt handler trusts: the IdP's issuer, its keys, the audiences and algorithms it accepts.</summary>
[GenerateSerializer, Immutable, Alias("tx.JwtTrust")]
public sealed record JwtTrust
{
    [Id(0)] public string? Issuer { get; init; }

    /// <summary>The IdP's JWKS endpoint; fetched, cached and refreshed on an unknown kid.</summary>
    [Id(1)] public string? JwksUri { get; init; }

    /// <summary>Inline JWKS document (JSON), as an alternative to <see cref="JwksUri"/>.</summary>
    [Id(2)] public string? InlineJwks { get; init; }

    [Id(3)] public string[] Audiences { get; init; } = [];

    [Id(4)] public string[] Algorithms { get; init; } = ["ES256", "RS256"];

    [Id(5)] public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Trust the cluster's built-in dev issuer (issuer and keys), for the embedded default only.</summary>
    [Id(6)] public bool DevIssuer { get; init; }

    /// <summary>Least time between two JWKS fetches; null takes the cluster's default.</summary>
    [Id(7)] public TimeSpan? JwksRefreshCooldown { get; init; }
}
