using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// A subject session's revocation time under the session id its JWTs carry. Introspection asks it for every
/// JWT it validated, so activations are as short-lived as the other grains callers' tokens lead to.
/// </summary>
[CollectionAgeLimit(GrainLifetimes.LookedUpByCallersText)]
public sealed class SessionRevocationGrain(
    [PersistentState("revocation", StorageNames.Sessions)] IPersistentState<SessionRevocationState> state) : Grain, ISessionRevocationGrain
{
    public async Task Revoke(DateTimeOffset revokedAt)
    {
        if (state.State.RevokedAt >= revokedAt) return;
        state.State.RevokedAt = revokedAt;
        await state.WriteStateAsync();
    }

    public Task<DateTimeOffset?> GetRevokedAt() => Task.FromResult(state.State.RevokedAt);
}

[GenerateSerializer, Alias("tx.SessionRevocationState")]
public sealed class SessionRevocationState
{
    [Id(0)] public DateTimeOffset? RevokedAt { get; set; }
}
