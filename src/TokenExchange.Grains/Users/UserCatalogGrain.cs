using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

public sealed class UserCatalogGrain(
    [PersistentState("catalog", StorageNames.Definitions)] IPersistentState<UserCatalogState> state) : Grain, IUserCatalogGrain
{
    public async Task Add(string userId)
    {
        if (state.State.UserIds.Add(userId)) await state.WriteStateAsync();
    }

    public Task<string[]> List(string? after, int limit) =>
        Task.FromResult(state.State.UserIds
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
