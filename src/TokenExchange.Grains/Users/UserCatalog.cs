using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Users;

/// <summary>
/// Where a created user's id is listed, for listing users: its catalog bucket (<see cref="UserCatalogGrain"/>). A seam
/// of <see cref="UserCreation"/>'s, so that the readiness warm-up can run a whole creation over a storage of its own
/// and list nothing: a listing is a bucket's write, which the warm-up could not take back.
/// </summary>
public interface IUserCatalog
{
    Task ListAsync(string userId);
}

/// <summary>The cluster's catalog: one call to the user's bucket.</summary>
public sealed class GrainUserCatalog(IGrainFactory grains) : IUserCatalog
{
    public Task ListAsync(string userId) => grains.Reference<IUserCatalogGrain>(IUserCatalogGrain.KeyFor(userId)).Add(userId);
}
