using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>
/// One attribute value's owner. Only a subject's first exchange (user mapping, user creation) and admin
/// changes ask it, so it leaves memory as soon as it has answered for good: after a found owner or a claim.
/// With a million subjects, keeping these activations for the idle age would cost as much as the sessions.
/// </summary>
public sealed class UserIndexGrain(
    [PersistentState("owner", StorageNames.Sessions)] IPersistentState<UserIndexState> state) : Grain, IUserIndexGrain
{
    public Task<string?> Get()
    {
        // A miss is usually followed by a claim (the user is being created): stay for it.
        if (state.State.UserId is not null) DeactivateOnIdle();
        return Task.FromResult(state.State.UserId);
    }

    public async Task<string> Claim(string userId)
    {
        DeactivateOnIdle();
        if (state.State.UserId is { } owner) return owner;
        state.State.UserId = userId;
        await state.WriteStateAsync();
        return userId;
    }

    public async Task Release(string userId)
    {
        DeactivateOnIdle();
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
