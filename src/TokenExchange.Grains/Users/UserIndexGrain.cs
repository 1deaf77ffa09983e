using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>
/// An index entry as a grain, for silos of an earlier version during a rolling upgrade: they claim, read and release
/// entries through this grain, which this version reads and writes in storage without it (<see cref="UserIndexStore"/>,
/// whose records keep this grain's id and state name). It keeps nothing in memory, so it never answers from a stale
/// copy, and leaves memory after each call.
/// </summary>
public sealed class UserIndexGrain(UserIndexStore indexes) : Grain, IUserIndexGrain
{
    public Task<string?> Get()
    {
        DeactivateOnIdle();
        return indexes.GetAsync(this.GetPrimaryKeyString());
    }

    public Task<string> Claim(string userId)
    {
        DeactivateOnIdle();
        return indexes.ClaimAsync(this.GetPrimaryKeyString(), userId);
    }

    public Task Release(string userId)
    {
        DeactivateOnIdle();
        return indexes.ReleaseAsync(this.GetPrimaryKeyString(), userId);
    }
}

/// <summary>An index entry's stored record (state name <c>owner</c>).</summary>
[GenerateSerializer, Alias("tx.UserIndexState")]
public sealed class UserIndexState
{
    [Id(0)] public string? UserId { get; set; }
}
