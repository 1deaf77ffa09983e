namespace TokenExchange.Grains.Users;

public sealed class UserIndexGrain(
    [PersistentState("owner", StorageNames.Sessions)] IPersistentState<UserIndexState> state) : Grain, IUserIndexGrain
{
    public Task<string?> Get() => Task.FromResult(state.State.UserId);

    public async Task<string> Claim(string userId)
    {
        if (state.State.UserId is { } owner) return owner;
        state.State.UserId = userId;
        await state.WriteStateAsync();
        return userId;
    }

    public async Task Release(string userId)
    {
        if (state.State.UserId != userId) return;
        await state.ClearStateAsync();
        state.State = new UserIndexState();
    }
}

[GenerateSerializer, Alias("tx.UserIndexState")]
public sealed class UserIndexState
{
    [Id(0)] public string? UserId { get; set; }
}
