using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Handlers;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// Per (handler, issuer, subject): remembers which user the subject maps to and caches that user, so a
/// repeated exchange costs one in-memory call. On a miss it runs the handler's user mapping (on this
/// silo's compiled handler). The user grain tells it at once when the user changes; the cache also
/// expires after <see cref="CachedUserMaxAge"/>, which bounds staleness should a notification be lost.
/// </summary>
public sealed class SubjectSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<SubjectSessionState> state,
    GrainUserDirectory directory,
    HandlerRuntime handlers,
    TimeProvider time) : Grain, ISubjectSessionGrain
{
    public static readonly TimeSpan CachedUserMaxAge = TimeSpan.FromSeconds(30);

    private UserRecord? user;
    private DateTimeOffset cachedAt;

    public async Task<UserResolution> ResolveUser(SubjectUserRequest request)
    {
        if (user is { Enabled: true } && time.GetUtcNow() - cachedAt < CachedUserMaxAge) return new UserResolution(user, null);
        user = null;

        UserResolution resolution;
        if (state.State.UserId is { } known)
        {
            resolution = await UserResolver.FromKnownAsync(directory, known);
        }
        else
        {
            var handler = handlers.Get(request.HandlerName);
            if (handler is null) return new UserResolution(null, Errors.InvalidRequest("unknown token_handler"));
            var (mapping, error) = await handler.MapUserAsync(request, new HandlerUserDirectory(directory), CancellationToken.None);
            if (error is not null) return new UserResolution(null, error);
            resolution = await UserResolver.FromMappingAsync(directory, mapping!, request.AllowUserCreation);
        }

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
