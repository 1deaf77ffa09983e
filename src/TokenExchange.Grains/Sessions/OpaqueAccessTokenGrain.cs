using TokenExchange.Abstractions;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Sessions;

/// <summary>An opaque access token's claims, keyed by the handle's hash; looked up for any presented token, so kept briefly like <see cref="TokenHandleGrain"/>.</summary>
[CollectionAgeLimit(GrainLifetimes.LookedUpByCallersText)]
public sealed class OpaqueAccessTokenGrain(
    [PersistentState("opaque", StorageNames.Sessions)] IPersistentState<OpaqueAccessTokenState> state) : Grain, IOpaqueAccessTokenGrain
{
    public Task<OpaqueAccessToken?> Get() => Task.FromResult(state.State.Token);

    public async Task Set(OpaqueAccessToken token)
    {
        state.State.Token = token;
        await state.WriteStateAsync();
    }

    public async Task Revoke()
    {
        if (state.State.Token is not { Revoked: false } token) return;
        state.State.Token = token with { Revoked = true };
        await state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("tx.OpaqueAccessTokenState")]
public sealed class OpaqueAccessTokenState
{
    [Id(0)] public OpaqueAccessToken? Token { get; set; }
}
