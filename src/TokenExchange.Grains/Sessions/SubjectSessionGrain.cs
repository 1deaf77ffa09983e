using TokenExchange.Definitions;
using TokenExchange.Grains.Users;
using TokenExchange.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// Per (handler, issuer, subject): remembers which user the subject maps to and caches that user, so a
/// repeated exchange costs one in-memory call. The user grain tells it at once when the user changes;
/// the cache also expires after <see cref="CachedUserMaxAge"/>, which bounds staleness should a
/// notification be lost (a silo dying mid-call).
/// </summary>
public sealed class SubjectSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<SubjectSessionState> state,
    GrainUserDirectory directory,
    TimeProvider time) : Grain, ISubjectSessionGrain
{
    public static readonly TimeSpan CachedUserMaxAge = TimeSpan.FromSeconds(30);

    private UserRecord? user;
    private DateTimeOffset cachedAt;

    public async Task<UserResolution> ResolveUser(UserLookup lookup)
    {
        if (user is { Enabled: true } && time.GetUtcNow() - cachedAt < CachedUserMaxAge) return new UserResolution(user, null);
        user = null;

        var resolution = await UserResolver.ResolveAsync(directory, lookup, state.State.UserId);
        if (resolution.User is { } resolved)
        {
            user = resolved;
            cachedAt = time.GetUtcNow();
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
