using TokenExchange.Definitions;

namespace TokenExchange.Silo;

/// <summary>
/// Where a front door reads the definitions it authorizes against: this silo's <see cref="DefinitionCache"/>, or the
/// readiness warm-up's own throwaway app and handler (so the warm-up runs the front door's own code without its app
/// ever being known to the cluster).
/// </summary>
public interface IDefinitionSource
{
    DefinitionSnapshot Snapshot { get; }
}
