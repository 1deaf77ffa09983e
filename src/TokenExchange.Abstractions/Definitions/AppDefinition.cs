namespace TokenExchange.Definitions;

/// <summary>A registered client app (Salesforce: connected app / external client app).</summary>
[GenerateSerializer, Immutable, Alias("tx.AppDefinition")]
public sealed record AppDefinition
{
    [Id(0)] public required string ClientId { get; init; }

    /// <summary>Hashes of the app's secrets (see ClientSecretHasher); never the secrets themselves.</summary>
    [Id(1)] public string[] SecretHashes { get; init; } = [];

    [Id(2)] public bool TokenExchangeEnabled { get; init; }

    /// <summary>Whether a token exchange must present a client secret.</summary>
    [Id(3)] public bool RequireSecret { get; init; } = true;

    [Id(4)] public string[] AllowedScopes { get; init; } = [];

    [Id(5)] public string[] AllowedAudiences { get; init; } = [];

    [Id(6)] public AccessTokenPolicy AccessToken { get; init; } = new();

    /// <summary>The kind of app, passed to handlers (Salesforce: connected app or external client app).</summary>
    [Id(7)] public string Kind { get; init; } = AppKinds.ConnectedApp;

    [Id(8)] public string? Label { get; init; }

    [Id(9)] public RefreshTokenPolicy RefreshTokens { get; init; } = new();

    /// <summary>How the app authenticates at the token endpoint (<see cref="ClientAuthMethods"/>): a secret, or a TLS client certificate.</summary>
    [Id(10)] public string TokenEndpointAuthMethod { get; init; } = ClientAuthMethods.ClientSecretBasic;

    /// <summary>The certificate that authenticates an app whose method is one of RFC 8705's.</summary>
    [Id(11)] public TlsClientAuthPolicy? TlsClientAuth { get; init; }

    /// <summary>The app's request budgets on each silo; none by default.</summary>
    [Id(12)] public RateLimitPolicy RateLimits { get; init; } = new();

    /// <summary>
    /// For the secret whose hash has the same index in <see cref="SecretHashes"/>: its last characters, shown
    /// instead of the secret (the Setup page); empty where unknown (a hash given in configuration).
    /// </summary>
    [Id(13)] public string[] SecretHints { get; init; } = [];
}

/// <summary>Whether an app may be issued refresh tokens, and how long each lives.</summary>
[GenerateSerializer, Immutable, Alias("tx.RefreshTokenPolicy")]
public sealed record RefreshTokenPolicy
{
    [Id(0)] public bool Enabled { get; init; }
    [Id(1)] public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(1);
}

public static class AppKinds
{
    public const string ConnectedApp = "connected_app";
    public const string ExternalClientApp = "external_client_app";
}
