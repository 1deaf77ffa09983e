namespace TokenExchange.Definitions;

/// <summary>A registered client app (Salesforce: connected app / external client app).</summary>
public sealed record AppDefinition
{
    public required string ClientId { get; init; }

    /// <summary>Hashes of the app's secrets (see ClientSecretHasher); never the secrets themselves.</summary>
    public string[] SecretHashes { get; init; } = [];

    public bool TokenExchangeEnabled { get; init; }

    /// <summary>Whether a token exchange must present a client secret.</summary>
    public bool RequireSecret { get; init; } = true;

    public string[] AllowedScopes { get; init; } = [];

    public string[] AllowedAudiences { get; init; } = [];

    public AccessTokenPolicy AccessToken { get; init; } = new();

    /// <summary>The kind of app, passed to handlers (Salesforce: connected app or external client app).</summary>
    public string Kind { get; init; } = AppKinds.ConnectedApp;

    public string? Label { get; init; }

    public RefreshTokenPolicy RefreshTokens { get; init; } = new();

    /// <summary>How the app authenticates at the token endpoint (<see cref="ClientAuthMethods"/>): a secret, or a TLS client certificate.</summary>
    public string TokenEndpointAuthMethod { get; init; } = ClientAuthMethods.ClientSecretBasic;

    /// <summary>The certificate that authenticates an app whose method is one of RFC 8705's.</summary>
    public TlsClientAuthPolicy? TlsClientAuth { get; init; }

    /// <summary>The app's request budgets on each silo; none by default.</summary>
    public RateLimitPolicy RateLimits { get; init; } = new();

    /// <summary>
    /// For the secret whose hash has the same index in <see cref="SecretHashes"/>: its last characters, shown
    /// instead of the secret (the Setup page); empty where unknown (a hash given in configuration).
    /// </summary>
    public string[] SecretHints { get; init; } = [];

    /// <summary>What the app may introspect besides the tokens issued to it: tokens for the audiences it serves as a resource server.</summary>
    public IntrospectionPolicy Introspection { get; init; } = new();

    /// <summary>
    /// Every token request of this app (exchange and refresh) must carry a DPoP proof (RFC 9449 section 5), so
    /// its access tokens are always bound to a key it holds; without it a proof is optional. Held in the access
    /// token policy (<see cref="AccessTokenPolicy.RequireDpop"/>), where its storage shape adds it compatibly.
    /// </summary>
    public bool RequireDpop => AccessToken.RequireDpop;

    /// <summary>Its DPoP proofs must carry a server nonce (RFC 9449 section 8): <see cref="AccessTokenPolicy.RequireDpopNonce"/>.</summary>
    public bool RequireDpopNonce => AccessToken.RequireDpopNonce;
    /// <summary>Whether the app may be issued transaction tokens, and may replace them (<see cref="TransactionTokenPolicy"/>).</summary>
    public TransactionTokenPolicy TransactionTokens { get; init; } = new();
}

/// <summary>Whether an app may be issued refresh tokens, how long each lives, and how long a family of them may last.</summary>
public sealed record RefreshTokenPolicy
{
    /// <summary>The absolute lifetime when none is given: 30 days, or the token lifetime where that is longer.</summary>
    public static readonly TimeSpan DefaultAbsoluteLifetime = TimeSpan.FromDays(30);

    public bool Enabled { get; init; }

    /// <summary>How long one refresh token lives; each rotation issues a new one, for at most this long.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a family lasts from the exchange that started it, however often it rotates: no token of it
    /// lives beyond. Configuration refuses one shorter than <see cref="Lifetime"/>.
    /// </summary>
    public TimeSpan AbsoluteLifetime { get; init; } = DefaultAbsoluteLifetime;

    /// <summary>
    /// The absolute lifetime in force, never shorter than one token's lifetime (an app stored before the
    /// setting existed, with a lifetime beyond the default, keeps its tokens' lifetime).
    /// </summary>
    public TimeSpan EffectiveAbsoluteLifetime => AbsoluteLifetime > Lifetime ? AbsoluteLifetime : Lifetime;
}

/// <summary>
/// RFC 7662: an app introspects the tokens issued to it, and the tokens meant for the audiences it serves
/// as a resource server; any other token answers inactive.
/// </summary>
public sealed record IntrospectionPolicy
{
    /// <summary>Audiences (<c>aud</c> values) this app serves: it may introspect tokens issued for any of them.</summary>
    public string[] Audiences { get; init; } = [];
}

public static class AppKinds
{
    public const string ConnectedApp = "connected_app";
    public const string ExternalClientApp = "external_client_app";
}
