using TokenExchange.Definitions;

namespace TokenExchange.Grains.Users;

public sealed class UserGrain(
    [PersistentState("user", StorageNames.Definitions)] IPersistentState<UserState> state,
    TimeProvider time) : Grain, IUserGrain
{
    public Task<UserRecord?> Get() => Task.FromResult(state.State.User);

    public async Task<bool> Create(UserRecord user)
    {
        if (state.State.User is not null) return false;
        await Store(user);
        return true;
    }

    public async Task Put(UserRecord user)
    {
        if (DefinitionPlanner.Same(user, state.State.User)) return;
        await Store(user);
        foreach (var session in state.State.Watchers) GrainFactory.GetGrain<ISubjectSessionGrain>(session).UserChanged(user).Ignore();
    }

    /// <summary>
    /// Watchers are stored with the user: a busy session can outlive an idle user grain, and a change made
    /// after the user grain reactivates must still reach it.
    /// </summary>
    public async Task Watch(string subjectSessionKey)
    {
        if (state.State.Watchers.Contains(subjectSessionKey)) return;
        state.State.Watchers.Add(subjectSessionKey);
        await state.WriteStateAsync();
    }

    public Task<string[]> GetSessions() => Task.FromResult(state.State.Watchers.ToArray());

    public async Task RevokeTokens()
    {
        state.State.TokensRevokedAt = time.GetUtcNow();
        await state.WriteStateAsync();
    }

    public Task<DateTimeOffset?> GetTokensRevokedAt() => Task.FromResult(state.State.TokensRevokedAt);

    private async Task Store(UserRecord user)
    {
        if (user.Id != this.GetPrimaryKeyString()) throw new ArgumentException("user id does not match the grain key");
        var isNew = state.State.User is null;
        state.State.User = user;
        await state.WriteStateAsync();
        if (isNew) await GrainFactory.GetGrain<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(user.Id)).Add(user.Id);
    }
}

[GenerateSerializer, Alias("tx.UserState")]
public sealed class UserState
{
    [Id(0)] public UserRecord? User { get; set; }

    /// <summary>Keys of the subject sessions that cache this user.</summary>
    [Id(1)] public HashSet<string> Watchers { get; set; } = [];

    /// <summary>Opaque access tokens issued at or before this time are revoked (txctl revoke --user).</summary>
    [Id(2)] public DateTimeOffset? TokensRevokedAt { get; set; }
}
