using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>One bucket of user ids, for listing users; every created user is added to one.</summary>
public sealed class UserCatalogGrain([FromKeyedServices(StorageNames.Definitions)] GrainRecordStore records) : Grain, IUserCatalogGrain
{
    /// <summary>The stored state's name (with the grain id, its key in storage).</summary>
    public const string StateName = "catalog";

    // The stored state, read on activation: a new subject's first exchange adds its user here, so this grain is one of
    // those every subject activates (GrainRecordStore says why not through [PersistentState]).
    private readonly GrainState<UserCatalogState> stored = new(new UserCatalogState());

    private UserCatalogState State => stored.State ??= new UserCatalogState();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => records.ReadAsync(StateName, this.GetGrainId(), stored);

    public async Task Add(string userId)
    {
        if (State.UserIds.Add(userId)) await records.WriteAsync(StateName, this.GetGrainId(), stored);
    }

    public Task<string[]> List(string? after, int limit) =>
        Task.FromResult(State.UserIds
            .Where(id => after is null || string.CompareOrdinal(id, after) > 0)
            .Order(StringComparer.Ordinal)
            .Take(limit)
            .ToArray());
}

[GenerateSerializer, Alias("tx.UserCatalogState")]
public sealed class UserCatalogState
{
    [Id(0)] public HashSet<string> UserIds { get; set; } = [];
}
