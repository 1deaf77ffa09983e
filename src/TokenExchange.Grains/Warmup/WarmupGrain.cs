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
    public ValueTask<UserResolution> ResolveUser(SubjectUserRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(UserFor(request));

    /// <summary>The user the warm-up makes up for a subject, wherever it asks (here, or in memory before the silo runs).</summary>
    public static UserResolution UserFor(SubjectUserRequest request) =>
        new(new UserRecord { Id = "u-warmup", FederationId = request.Subject.Subject }, null);
}
