using System.Collections.Frozen;

namespace TokenExchange.Definitions;

/// <summary>
/// An immutable view of every app and handler definition, as one silo's cache holds it.
/// Built once per definition change, read lock-free by every exchange.
/// </summary>
public sealed class DefinitionSnapshot
{
    public static readonly DefinitionSnapshot Empty = new(0, [], []);

    public DefinitionSnapshot(long version, IEnumerable<AppDefinition> apps, IEnumerable<HandlerDefinition> handlers)
    {
        Version = version;
        Apps = apps.ToFrozenDictionary(a => a.ClientId, StringComparer.Ordinal);
        Handlers = handlers.ToFrozenDictionary(h => h.Name, StringComparer.Ordinal);
        DefaultHandlers = Handlers.Values
            .SelectMany(h => h.Enablements.Where(e => e.Default).Select(e => (e.ClientId, h.Name)))
            .GroupBy(p => p.ClientId, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
    }

    public long Version { get; }
    public FrozenDictionary<string, AppDefinition> Apps { get; }
    public FrozenDictionary<string, HandlerDefinition> Handlers { get; }

    /// <summary>Client id to the name of the handler that is that app's default.</summary>
    public FrozenDictionary<string, string> DefaultHandlers { get; }
}
