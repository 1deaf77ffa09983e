using Orleans.Core.Internal;
using TokenExchange.Abstractions;
using TokenExchange.Sessions;

namespace TokenExchange.Server.Warmup;

/// <summary>A new subject's grain activations, one set a call (a seam: tests count them).</summary>
public interface IActivationExercise
{
    Task ActivateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The other half of a new subject's first exchange, for the readiness warm-up (issue 15, warm start): activating its
/// session, user and index grains (Orleans' catalog, directory registration, the grains' construction and a storage
/// read) is most of what a silo still compiled under its first load once the exchange path itself was warm. Each call
/// activates one of each under keys of its own (a new GUID, so no subject's, user's or index entry's), asks each only
/// a read (nothing is stored, nothing is created), and lets them go at once.
/// </summary>
public sealed class GrainActivationExercise(IGrainFactory grains) : IActivationExercise
{
    public const string HandlerName = "warmup-activation";

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var key = $"warmup-{Guid.NewGuid():N}";
        var session = grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(HandlerName, "https://warmup-idp.invalid", key));
        var user = grains.GetGrain<IUserGrain>(key);
        var index = grains.GetGrain<IUserIndexGrain>($"link/{HandlerName}/{key}");
        await Task.WhenAll(session.GetRevokedAt(), user.Get(), index.Get()).WaitAsync(cancellationToken);
        await Task.WhenAll(LetGo(session), LetGo(user), LetGo(index)).WaitAsync(cancellationToken);
    }

    private static Task LetGo(IAddressable grain) => grain.Cast<IGrainManagementExtension>().DeactivateOnIdle().AsTask();
}
