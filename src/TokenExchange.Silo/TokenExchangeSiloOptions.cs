using TokenExchange.Abstractions;
using TokenExchange.Configuration;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;

namespace TokenExchange.Silo;

/// <summary>What a silo of the token exchange cluster needs to know beyond Orleans' own options.</summary>
public sealed class TokenExchangeSiloOptions
{
    /// <summary>How often the silo checks for definition changes; changes reach every silo within about this long.</summary>
    public TimeSpan DefinitionRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public ExchangeLimits Limits { get; set; } = new();

    /// <summary>
    /// The trust domain transaction tokens are issued for and accepted in (their <c>aud</c>; the server's
    /// --trust-domain); null: the cluster's issuer.
    /// </summary>
    public string? TrustDomain { get; set; }

    /// <summary>
    /// How long a request's grain calls may take, retries after a silo died included (the server's
    /// --request-timeout; a sooner gRPC deadline wins). Longer than membership takes to declare a killed
    /// silo dead, so an exchange outlives a failover.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Orleans' response timeout for every grain call of the silo (<see cref="SiloServiceCollectionExtensions.AddTokenExchangeSilo"/>,
    /// against Orleans' 30 s): the request timeout, but never below the default's 10 s, so that a short
    /// --request-timeout does not cut the calls no request waits for (startup, admin changes, storage under load).
    /// When it is the request timeout (10 s or more), it bounds an exchange's first attempt, which then waits on no
    /// timer of its own (<see cref="GrainCallRetry"/>).
    /// </summary>
    public TimeSpan GrainCallTimeout => RequestTimeout > DefaultRequestTimeout ? RequestTimeout : DefaultRequestTimeout;

    public JwksCachePolicy Jwks { get; set; } = new();

    public Limits.RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Definitions applied when the silo starts (the configuration file), if any.</summary>
    public ClusterDefinitions? Seed { get; set; }

    /// <summary>
    /// The key-encryption key of the signing keys at rest (base64 of 32 bytes). Null generates one for this
    /// process, which only suits state that does not outlive it (the embedded default).
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    public KeyRotationPolicy KeyRotation { get; set; } = KeyRotationPolicy.Default;

    /// <summary>How often a silo asks whether a scheduled key rotation is due.</summary>
    public TimeSpan KeyRotationCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where operators' handler assemblies are loaded from; null for none.</summary>
    public string? PluginsFolder { get; set; }

    /// <summary>Run the built-in dev issuer (embedded default, tests).</summary>
    public bool EnableDevIssuer { get; set; }

    /// <summary>The dev issuer's key when the operator gives one (a load generator holds it too); null: the cluster's own.</summary>
    public TokenExchange.Tokens.SigningKey? DevIssuerKey { get; set; }
}
