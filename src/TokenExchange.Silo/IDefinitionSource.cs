using TokenExchange.Definitions;

namespace TokenExchange.Silo;

/// <summary>
/// Where a front door reads the definitions it authorizes against: this silo's <see cref="DefinitionCache"/>, or the
/// readiness warm-up's own throwaway app and handler (so the warm-up runs the front door's own code without its app
/// ever being known to the cluster). The event sinks that name apps and handlers read it too.
/// </summary>
public interface IDefinitionSource
{
    DefinitionSnapshot Snapshot { get; }
}

/// <summary>One snapshot for good: the warm-up's definitions, or a test's.</summary>
public sealed class FixedDefinitionSource(DefinitionSnapshot snapshot) : IDefinitionSource
{
    public DefinitionSnapshot Snapshot => snapshot;
}
