namespace TokenExchange.Grains.Sessions;

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
