using TokenExchange.Definitions;
using TokenExchange.Grains.Definitions;

namespace TokenExchange.Grains.Users;

public sealed class UserGrain(
    [PersistentState("user", StorageNames.Definitions)] IPersistentState<DefinitionState<UserRecord>> state) : Grain, IUserGrain
{
    // Subject sessions that cache this user; in memory only, since sessions register again when they activate.
    private readonly HashSet<string> watchers = new(StringComparer.Ordinal);

    public Task<UserRecord?> Get() => Task.FromResult(state.State.Value);

    public async Task<bool> Create(UserRecord user)
    {
        if (state.State.Value is not null) return false;
        await Store(user);
        return true;
    }

    public async Task Put(UserRecord user)
    {
        if (DefinitionEquality.Same(user, state.State.Value)) return;
        await Store(user);
        foreach (var session in watchers) GrainFactory.GetGrain<ISubjectSessionGrain>(session).UserChanged(user).Ignore();
    }

    public Task Watch(string subjectSessionKey)
    {
        watchers.Add(subjectSessionKey);
        return Task.CompletedTask;
    }

    private Task Store(UserRecord user)
    {
        if (user.Id != this.GetPrimaryKeyString()) throw new ArgumentException("user id does not match the grain key");
        state.State = new DefinitionState<UserRecord>(user);
        return state.WriteStateAsync();
    }
}
