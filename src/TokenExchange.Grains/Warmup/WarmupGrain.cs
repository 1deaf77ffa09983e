using Orleans.Concurrency;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Sessions;

namespace TokenExchange.Grains.Warmup;

/// <summary>
/// <see cref="IWarmupGrain"/>: a stateless worker, so every silo's warm-up calls an activation on that silo and
/// never waits for, or loads, another silo.
/// </summary>
[StatelessWorker]
public sealed class WarmupGrain : Grain, IWarmupGrain
{
    public const string UserId = "u-warmup";

    public Task<UserResolution> ResolveUser(SubjectUserRequest request) =>
        Task.FromResult(new UserResolution(new UserRecord { Id = UserId, FederationId = request.Subject.Subject }, null));
}
