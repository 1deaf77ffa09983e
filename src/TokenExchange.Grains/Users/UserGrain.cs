using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;

namespace TokenExchange.Grains.Users;

public sealed class UserGrain(
    [FromKeyedServices(StorageNames.Definitions)] GrainRecordStore records,
    UserCreation creation,
    TimeProvider time) : RecordGrain<UserState>(records), IUserGrain
{
    /// <summary>The user's record's state name, which <see cref="UserCreation"/> writes too.</summary>
    public const string StoredStateName = "user";

    protected override string StateName => StoredStateName;

    public Task<UserRecord?> Get() => Task.FromResult(State.User);

    public async Task<bool> Create(UserRecord user)
    {
        if (State.User is not null) return false;
        await Store(user);
        return true;
    }

    public async Task<bool> CreateLinked(UserRecord user, ExternalIdentity link)
    {
        if (State.User is not null) return false;
        State.Links.Add(link);
        State.CreatedBy = link.Handler;
        await Store(user);
        return true;
    }

    /// <summary>
    /// For silos of an earlier version, whose sessions still ask the new user's grain to create it: this version creates
    /// users in storage without the grain (<see cref="UserCreation"/>), and so does this call. The activation leaves
    /// once the call is done, so the next call reads what was stored (and the state read at activation, before the
    /// write, is never answered from).
    /// </summary>
    public Task<string?> CreateForSubject(UserRecord user, ExternalIdentity link, string subjectSessionKey)
    {
        if (user.Id != this.GetPrimaryKeyString()) throw new ArgumentException("user id does not match the grain key");
        DeactivateOnIdle();
        return creation.CreateAsync(user, link, subjectSessionKey);
    }

    public Task<ExternalIdentity[]> GetLinks() => Task.FromResult(State.Links.ToArray());

    public async Task<string?> AddLink(ExternalIdentity link, bool onePerHandler)
    {
        if (State.User is null) return "the user does not exist";
        if (State.Links.Contains(link)) return null;
        if (onePerHandler && State.Links.Any(l => l.Handler == link.Handler))
            return $"the user is already linked to another identity of handler {link.Handler}";
        State.Links.Add(link);
        await Save();
        return null;
    }

    public async Task<bool> RemoveLink(ExternalIdentity link)
    {
        if (!State.Links.Remove(link)) return false;
        await Save();
        return true;
    }

    public Task<string?> GetCreatedBy() => Task.FromResult(State.CreatedBy);

    public async Task Put(UserRecord user)
    {
        if (DefinitionPlanner.Same(user, State.User)) return;
        await Store(user);
        foreach (var session in State.Watchers) GrainFactory.Reference<ISubjectSessionGrain>(session).UserChanged(user).Ignore();
    }

    /// <summary>
    /// Watchers are stored with the user: a busy session outlives this grain (which leaves memory once the session
    /// holds the user, docs/architecture.md, section 5), and a change made after it reactivates must still reach it.
    /// </summary>
    public async Task Watch(string subjectSessionKey)
    {
        // A session calls this last, holding what it needs of the user: the next call here is a change, a link, a
        // refresh or an introspection, likely minutes away, so this activation need not wait for its collection age.
        DeactivateOnIdle();
        if (State.Watchers.Contains(subjectSessionKey)) return;
        State.Watchers.Add(subjectSessionKey);
        await Save();
        // A change stored between the session's read and this registration reached no watcher: the new one hears
        // what is current (after the call that registered it, as it handles one call at a time).
        if (State.User is { } current) GrainFactory.Reference<ISubjectSessionGrain>(subjectSessionKey).UserChanged(current).Ignore();
    }

    public Task<string[]> GetSessions() => Task.FromResult(State.Watchers.ToArray());

    public async Task RevokeTokens()
    {
        State.TokensRevokedAt = time.GetUtcNow();
        await Save();
    }

    public Task<DateTimeOffset?> GetTokensRevokedAt() => Task.FromResult(State.TokensRevokedAt);

    private async Task Store(UserRecord user)
    {
        if (user.Id != this.GetPrimaryKeyString()) throw new ArgumentException("user id does not match the grain key");
        var isNew = State.User is null;
        State.User = user;
        await Save();
        if (isNew) await GrainFactory.Reference<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(user.Id)).Add(user.Id);
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

    /// <summary>The external identities that map to this user (each also owns its link's index entry, <see cref="UserIndexStore"/>).</summary>
    [Id(3)] public List<ExternalIdentity> Links { get; set; } = [];

    /// <summary>The handler whose exchange created the user; null for users from configuration or administration, and for users created before links.</summary>
    [Id(4)] public string? CreatedBy { get; set; }
}
