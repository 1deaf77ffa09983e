using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// A refresh token's handle, keyed by the token's hash. Refresh, introspection and revocation look up
/// whatever token a caller presents, so unknown tokens activate this grain too: idle activations go after
/// <see cref="GrainLifetimes.LookedUpByCallers"/> (not Orleans' default), which bounds what a flood of made-up tokens holds.
/// </summary>
[CollectionAgeLimit(GrainLifetimes.LookedUpByCallersText)]
public sealed class TokenHandleGrain(
    [PersistentState("handle", StorageNames.Sessions)] IPersistentState<TokenHandleState> state) : Grain, ITokenHandleGrain
{
    public Task<TokenHandle?> Get() => Task.FromResult(state.State.Handle);

    public async Task Set(TokenHandle handle)
    {
        state.State.Handle = handle;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("tx.TokenHandleState")]
public sealed class TokenHandleState
{
    [Id(0)] public TokenHandle? Handle { get; set; }
}
