using TokenExchange.Tokens;

namespace TokenExchange.Grains.Keys;

/// <summary>
/// Holds the cluster's signing keys; generates the first key on first use, so every silo signs with
/// the same key. Rotation and encryption at rest come with the token lifecycle work.
/// </summary>
public sealed class SigningKeyGrain(
    [PersistentState("keys", StorageNames.Definitions)] IPersistentState<SigningKeyState> state) : Grain, ISigningKeyGrain
{
    public async Task<SigningKeySet> GetKeys()
    {
        if (state.State.PrivateJwks.Count == 0)
        {
            state.State.PrivateJwks.Add(SigningKey.Generate().ToPrivateJwk());
            await state.WriteStateAsync();
        }
        return new SigningKeySet([.. state.State.PrivateJwks]);
    }
}

[GenerateSerializer, Alias("tx.SigningKeyState")]
public sealed class SigningKeyState
{
    [Id(0)] public List<string> PrivateJwks { get; set; } = [];
}
