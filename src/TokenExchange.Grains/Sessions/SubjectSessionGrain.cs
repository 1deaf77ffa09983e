using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using TokenExchange.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// Per (handler, issuer, subject): remembers which user the subject maps to and caches that user, so a
/// repeated exchange costs one in-memory call. The user grain tells it when the user changes.
/// </summary>
public sealed class SubjectSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<SubjectSessionState> state,
    GrainUserDirectory directory) : Grain, ISubjectSessionGrain
{
    private UserRecord? user;

    public async Task<UserResolution> ResolveUser(UserLookup lookup)
    {
        if (user is { Enabled: true }) return new UserResolution(user, null);

        var resolution = await UserResolver.ResolveAsync(directory, lookup, state.State.UserId);
        if (resolution.User is { } resolved)
        {
            user = resolved;
            if (state.State.UserId != resolved.Id)
            {
                state.State.UserId = resolved.Id;
                await state.WriteStateAsync();
            }
            await GrainFactory.GetGrain<IUserGrain>(resolved.Id).Watch(this.GetPrimaryKeyString());
        }
        return resolution;
    }

    public Task UserChanged(UserRecord changed)
    {
        if (changed.Id == state.State.UserId) user = changed;
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("tx.SubjectSessionState")]
public sealed class SubjectSessionState
{
    [Id(0)] public string? UserId { get; set; }
}
