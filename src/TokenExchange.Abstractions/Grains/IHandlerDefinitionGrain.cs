using TokenExchange.Definitions;

namespace TokenExchange.Grains;

/// <summary>The durable definition of one handler, keyed by handler name.</summary>
[Alias("tx.IHandlerDefinitionGrain")]
public interface IHandlerDefinitionGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<HandlerDefinition?> Get();
    [Alias("Put")] Task Put(HandlerDefinition definition);
    [Alias("Delete")] Task Delete();
}
