using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// Holds <see cref="ISubjectSessionGrain.ResolveUser"/> of sessions whose subject starts with <see cref="Prefix"/> for
/// <see cref="Hold"/> before answering, as a session on a silo that stopped answering would: the test cluster's way to
/// prove that the exchange's grain call is abandoned at its deadline. The hold ends early when the caller's cancellation
/// reaches the callee, so an abandoned call does not keep its activation busy.
/// </summary>
public sealed class HangingSessions : IIncomingGrainCallFilter
{
    public const string Prefix = "hanging-session-";

    /// <summary>Longer than the test silos' request timeout (10 s, the default) and Orleans' sweep after it.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(14);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ISubjectSessionGrain && context.MethodName == nameof(ISubjectSessionGrain.ResolveUser)
            && context.TargetId.Key.ToString()!.Contains("|" + Prefix, StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(Hold, context.Request.GetCancellationToken());
            }
            catch (OperationCanceledException)
            {
            }
        }
        await context.Invoke();
    }
}
