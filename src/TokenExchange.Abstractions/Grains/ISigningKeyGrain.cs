using TokenExchange.Tokens;

namespace TokenExchange.Abstractions;

/// <summary>
/// The cluster's signing keys, encrypted at rest; every silo loads them and signs with the current one.
/// A rotation publishes a new key at once and lets it sign only after <see cref="KeyRotationPolicy.ActivationDelay"/>
/// (so downstream JWKS caches know it first); the key it replaces stays published for
/// <see cref="KeyRotationPolicy.Retention"/> after that (so every token it signed still validates).
/// </summary>
[Alias("tx.ISigningKeyGrain")]
public interface ISigningKeyGrain : IGrainWithStringKey
{
    const string Key = "signing-keys";

    /// <summary>The built-in dev issuer's key (a separate grain: never a key the cluster signs with).</summary>
    const string DevIssuerKey = "dev-issuer";

    /// <summary>The keys, creating the first one (active at once) when there is none.</summary>
    [Alias("GetKeys")] Task<SigningKeySet> GetKeys();

    [Alias("Rotate")] Task<SigningKeySet> Rotate(KeyRotationPolicy policy);

    /// <summary>Rotates when the newest key is older than the policy's period; otherwise a no-op.</summary>
    [Alias("RotateIfDue")] Task<SigningKeySet> RotateIfDue(KeyRotationPolicy policy);
}

[GenerateSerializer, Immutable, Alias("tx.KeyRotationPolicy")]
public sealed record KeyRotationPolicy(
    [property: Id(0)] TimeSpan Period,
    [property: Id(1)] TimeSpan ActivationDelay,
    [property: Id(2)] TimeSpan Retention)
{
    /// <summary>The algorithm of keys created from now on (ES256 or RS256); existing keys keep theirs until rotated.</summary>
    [Id(3)] public string Algorithm { get; init; } = "ES256";

    /// <summary>Every 30 days; sign after 5 minutes (the JWKS max-age); keep a replaced key a day and 5 minutes (the longest token lifetime and skew).</summary>
    public static KeyRotationPolicy Default { get; } = new(TimeSpan.FromDays(30), TimeSpan.FromMinutes(5), TimeSpan.FromDays(1) + TimeSpan.FromMinutes(5));
}

/// <summary>The keys and a version that changes with every rotation.</summary>
[GenerateSerializer, Immutable, Alias("tx.SigningKeySet")]
public sealed record SigningKeySet(
    [property: Id(0)] long Version,
    [property: Id(1)] SigningKeyEntry[] Keys);

