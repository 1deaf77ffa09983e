using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// Refuses <see cref="ISubjectSessionGrain.InspectBoundRefreshToken"/> for sessions whose subject starts with
/// <see cref="Prefix"/>, as a session grain on a silo of the version before that method would: the test cluster's rolling upgrade.
/// </summary>
public sealed class OlderSessionGrains : IIncomingGrainCallFilter
{
    public const string Prefix = "older-session-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ISubjectSessionGrain && context.MethodName == nameof(ISubjectSessionGrain.InspectBoundRefreshToken)
            && context.TargetId.Key.ToString()!.Contains("|" + Prefix, StringComparison.Ordinal))
            throw new NotSupportedException("this silo's ISubjectSessionGrain has no InspectBoundRefreshToken");
        return context.Invoke();
    }
}
