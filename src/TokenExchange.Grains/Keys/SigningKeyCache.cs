using TokenExchange.Tokens;

namespace TokenExchange.Grains.Keys;

/// <summary>This silo's copy of the cluster's signing keys, loaded at start-up; signing never calls a grain.</summary>
public sealed class SigningKeyCache(IGrainFactory grains) : ISigningKeySource
{
    private SigningKeyRing? ring;

    public SigningKeyRing Ring => Volatile.Read(ref ring) ?? throw new InvalidOperationException("signing keys are not loaded yet");

    public async Task LoadAsync()
    {
        var set = await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).GetKeys();
        Volatile.Write(ref ring, new SigningKeyRing([.. set.PrivateJwks.Select(SigningKey.FromPrivateJwk)]));
    }

    /// <summary>The dev issuer's key: kept by its own key grain, so every silo's dev issuer signs alike.</summary>
    public async Task<SigningKey> LoadDevIssuerKeyAsync()
    {
        var set = await grains.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.DevIssuerKey).GetKeys();
        return SigningKey.FromPrivateJwk(set.PrivateJwks[0]);
    }
}
