using Orleans.Core.Internal;
using TokenExchange.Abstractions;
using TokenExchange.Grains.Users;
using TokenExchange.Sessions;

namespace TokenExchange.Server.Warmup;

/// <summary>A new subject's grain activations, one set a call (a seam: tests count them).</summary>
public interface IActivationExercise
{
    Task ActivateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The grain and storage half of a new subject's exchanges, for the readiness warm-up (issue 15, warm start): activating
/// its session (Orleans' catalog, directory registration, the grain's construction and a storage read), reading its index
/// entries and its user's record (its first exchange, in storage), and activating its user grain (a session's
/// reactivation, refreshes) is most of what a silo still compiled under its first load once the exchange path itself was
/// warm. Each call activates one of each grain under keys of its own (a new GUID, so no subject's, user's or index
/// entry's), asks each only a read, reads an index entry of the same kind, and lets the grains go at once: nothing is
/// stored or created in the cluster. What a first exchange writes (its user, index entries and session) runs over a
/// storage of the warm-up's own instead (<see cref="ThrowawayUserCreation"/>).
/// </summary>
public sealed class GrainActivationExercise(IGrainFactory grains, UserIndexStore indexes, ThrowawayUserCreation creation) : IActivationExercise
{
    public const string HandlerName = "warmup-activation";

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var key = $"warmup-{Guid.NewGuid():N}";
        var session = grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(HandlerName, ExchangePathExercise.IdpIssuer, key));
        var user = grains.GetGrain<IUserGrain>(key);
        await Task.WhenAll(session.GetRevokedAt(), user.Get(), indexes.GetAsync($"link/{HandlerName}/{key}"), creation.RunAsync()).WaitAsync(cancellationToken);
        await Task.WhenAll(LetGo(session), LetGo(user)).WaitAsync(cancellationToken);
    }

    private static Task LetGo(IAddressable grain) => grain.Cast<IGrainManagementExtension>().DeactivateOnIdle().AsTask();
}
