using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// This silo's compiled handlers, rebuilt from each new definition snapshot. A handler whose trust
/// settings did not change keeps its key cache (a jwt handler its verified tokens, an introspection handler its cached
/// answers), so a definition change does not refetch every JWKS nor verify or ask the IdP again about every token.
/// A handler whose trust settings changed starts with empty caches: nothing verified under the old trust is reused.
/// </summary>
public sealed class HandlerRuntime(HandlerCompiler compiler, ILogger<HandlerRuntime> logger)
{
    private readonly Lock gate = new();
    private Compiled compiled = new(-1, new Dictionary<string, CompiledHandler>());
    private DefinitionSnapshot latest = DefinitionSnapshot.Empty;

    public CompiledHandler? Get(string name)
    {
        var current = Volatile.Read(ref compiled);
        if (current.Version != Volatile.Read(ref latest).Version) current = Compile();
        return current.Handlers.GetValueOrDefault(name);
    }

    /// <summary>
    /// Takes a new snapshot; its handlers are compiled on first use, since the dev issuer's URL is known
    /// only once the server listens.
    /// </summary>
    public void Update(DefinitionSnapshot snapshot) => Volatile.Write(ref latest, snapshot);

    private Compiled Compile()
    {
        lock (gate)
        {
            var snapshot = latest;
            var previous = compiled;
            if (previous.Version == snapshot.Version) return previous;
            var handlers = new Dictionary<string, CompiledHandler>(StringComparer.Ordinal);
            foreach (var definition in snapshot.Handlers.Values)
            {
                var old = previous.Handlers.GetValueOrDefault(definition.Name);
                var sameTrust = old is not null && Equals(Trust(old.Definition), Trust(definition));
                try
                {
                    handlers[definition.Name] = compiler.Compile(definition, sameTrust ? old!.Keys : null, sameTrust ? old!.Introspection : null, sameTrust ? old!.VerifiedTokens : null);
                }
                catch (Exception e) when (e is InvalidOperationException or UriFormatException or ArgumentException)
                {
                    // One bad definition must not take the others down.
                    logger.LogError("Handler {Handler} cannot be compiled: {Error}", definition.Name, e.Message);
                }
            }
            var fresh = new Compiled(snapshot.Version, handlers);
            Volatile.Write(ref compiled, fresh);
            return fresh;
        }
    }

    private static string Trust(HandlerDefinition definition) =>
        System.Text.Json.JsonSerializer.Serialize(new { definition.Implementation, definition.Trust, definition.Introspection });

    private sealed record Compiled(long Version, Dictionary<string, CompiledHandler> Handlers);
}
