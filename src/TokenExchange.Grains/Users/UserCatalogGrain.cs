using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>One bucket of user ids, for listing users; every created user is added to one.</summary>
public sealed class UserCatalogGrain([FromKeyedServices(StorageNames.Definitions)] GrainRecordStore records) : RecordGrain<UserCatalogState>(records), IUserCatalogGrain
{
    // A new subject's first exchange adds its user here, so this grain is one of those every subject activates.
    protected override string StateName => "catalog";

    public async Task Add(string userId)
    {
        if (State.UserIds.Add(userId)) await Save();
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
