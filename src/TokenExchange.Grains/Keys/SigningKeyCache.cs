using TokenExchange.Abstractions;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Keys;

/// <summary>
/// This silo's copy of the cluster's signing keys, decrypted once and held in memory: signing never calls
/// a grain. Refreshed with the definitions (a rotation reaches every silo within about a quarter second),
/// and rebuilt when a key activates or retires.
/// </summary>
public sealed class SigningKeyCache(IGrainFactory grains, KeyProtector protector, TimeProvider time) : ISigningKeySource
{
    private State? state;

    /// <summary>Whether the keys were loaded: before that this silo cannot sign (readiness checks it).</summary>
    public bool IsLoaded => Volatile.Read(ref state) is not null;

    public SigningKeyRing Ring => Volatile.Read(ref state)?.Ring ?? throw new InvalidOperationException("signing keys are not loaded yet");

    public async Task RefreshAsync()
    {
        var set = await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).GetKeys();
        Apply(set);
    }

    /// <summary>Builds the ring from a key set, when it changed or a key activated or retired since.</summary>
    public void Apply(SigningKeySet set)
    {
        var current = Volatile.Read(ref state);
        var now = time.GetUtcNow();
        if (current is not null && current.Version == set.Version && (current.NextChange is null || now < current.NextChange)) return;
        var (published, nextChange) = KeySchedule.At(set.Keys, now);
        var decrypted = current?.Decrypted ?? new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        var keys = published.Select(k => decrypted.TryGetValue(k.KeyId, out var known)
            ? known
            : SigningKey.FromPrivateJwk(protector.Unprotect(k.KeyId, k.ProtectedJwk))).ToList();
        Volatile.Write(ref state, new State(set.Version, nextChange, new SigningKeyRing(keys), keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal)));
    }

    /// <summary>The dev issuer's key: kept by its own key grain, so every silo's dev issuer signs alike.</summary>
    public async Task<SigningKey> LoadDevIssuerKeyAsync()
    {
        var set = await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.DevIssuerKey).GetKeys();
        var key = set.Keys[0];
        return SigningKey.FromPrivateJwk(protector.Unprotect(key.KeyId, key.ProtectedJwk));
    }

    private sealed record State(long Version, DateTimeOffset? NextChange, SigningKeyRing Ring, Dictionary<string, SigningKey> Decrypted);
}
