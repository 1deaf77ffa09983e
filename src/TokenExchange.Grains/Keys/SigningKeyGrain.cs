using TokenExchange.Abstractions;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Keys;

/// <summary>
/// Holds the cluster's signing keys, each encrypted with the silo's key-encryption key. Creates the
/// first key on first use; rotates on demand and, through <see cref="RotateIfDue"/>, on a schedule.
/// Retired keys are dropped once past their retirement.
/// </summary>
public sealed class SigningKeyGrain(
    [PersistentState("signing-keys", StorageNames.Definitions)] IPersistentState<SigningKeyGrainState> state,
    KeyProtector protector,
    TimeProvider time) : Grain, ISigningKeyGrain
{
    public async Task<SigningKeySet> GetKeys()
    {
        if (state.State.Keys.Count == 0)
        {
            state.State.Keys.Add(NewKey(time.GetUtcNow()));
            await Save();
        }
        return Snapshot();
    }

    public async Task<SigningKeySet> Rotate(KeyRotationPolicy policy)
    {
        var now = time.GetUtcNow();
        var next = NewKey(now + policy.ActivationDelay, policy.Algorithm);
        // The keys that sign until the new one activates stay published until their last token expired.
        state.State.Keys = [.. state.State.Keys
            .Where(k => k.RetiresAt is null || k.RetiresAt > now)
            .Select(k => k.RetiresAt is null ? k with { RetiresAt = next.ActivatesAt + policy.Retention } : k), next];
        await Save();
        return Snapshot();
    }

    public async Task<SigningKeySet> RotateIfDue(KeyRotationPolicy policy)
    {
        var newest = state.State.Keys.Count == 0 ? (DateTimeOffset?)null : state.State.Keys.Max(k => k.CreatedAt);
        if (newest is null)
        {
            // The cluster's first key, in the configured algorithm, signing at once.
            state.State.Keys.Add(NewKey(time.GetUtcNow(), policy.Algorithm));
            await Save();
            return Snapshot();
        }
        return newest + policy.Period <= time.GetUtcNow() ? await Rotate(policy) : Snapshot();
    }

    private SigningKeyEntry NewKey(DateTimeOffset activatesAt, string algorithm = SigningKey.Es256)
    {
        var key = SigningKey.Generate(algorithm);
        return new SigningKeyEntry(key.KeyId, protector.Protect(key.KeyId, key.ToPrivateJwk()), time.GetUtcNow(), activatesAt, RetiresAt: null);
    }

    private Task Save()
    {
        state.State.Version++;
        return state.WriteStateAsync();
    }

    private SigningKeySet Snapshot() => new(state.State.Version, [.. state.State.Keys]);
}

[GenerateSerializer, Alias("tx.SigningKeyGrainState")]
public sealed class SigningKeyGrainState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public List<SigningKeyEntry> Keys { get; set; } = [];
}
