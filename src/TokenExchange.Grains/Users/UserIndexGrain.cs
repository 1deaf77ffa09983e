using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>
/// One attribute value's owner. Only a subject's first exchange (user mapping, user creation) and admin
/// changes ask it, so it leaves memory as soon as it has answered for good: after a found owner or a claim.
/// With a million subjects, keeping these activations for the idle age would cost as much as the sessions.
/// </summary>
public sealed class UserIndexGrain([FromKeyedServices(StorageNames.Sessions)] GrainRecordStore records) : RecordGrain<UserIndexState>(records), IUserIndexGrain
{
    protected override string StateName => "owner";

    public Task<string?> Get()
    {
        // A miss is usually followed by a claim (the user is being created): stay for it.
        if (State.UserId is not null) DeactivateOnIdle();
        return Task.FromResult(State.UserId);
    }

    public async Task<string> Claim(string userId)
    {
        DeactivateOnIdle();
        if (State.UserId is { } owner) return owner;
        State.UserId = userId;
        await Save();
        return userId;
    }

    public async Task Release(string userId)
    {
        DeactivateOnIdle();
        if (State.UserId != userId) return;
        await Clear();
    }
}

[GenerateSerializer, Alias("tx.UserIndexState")]
public sealed class UserIndexState
{
    [Id(0)] public string? UserId { get; set; }
}
