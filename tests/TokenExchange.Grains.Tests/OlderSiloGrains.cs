using TokenExchange.Abstractions;

namespace TokenExchange.Grains.Tests;

/// <summary>
/// The test cluster's rolling upgrade: for subjects that start with a method's prefix, refuses the grain methods a silo of
/// the version before them lacks, as that silo's grain would.
/// </summary>
public sealed class OlderSiloGrains : IIncomingGrainCallFilter
{
    /// <summary><see cref="ISubjectSessionGrain.InspectBoundRefreshToken"/> is refused for sessions whose subject starts with this.</summary>
    public const string SessionPrefix = "older-session-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var older = context.Grain switch
        {
            ISubjectSessionGrain => context.MethodName == nameof(ISubjectSessionGrain.InspectBoundRefreshToken)
                && context.TargetId.Key.ToString()!.Contains("|" + SessionPrefix, StringComparison.Ordinal),
            _ => false,
        };
        if (older) throw new NotSupportedException($"this silo's {context.InterfaceName} has no {context.MethodName}");
        return context.Invoke();
    }
}
