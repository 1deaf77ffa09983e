using TokenExchange.Definitions;

namespace TokenExchange.Abstractions;

/// <summary>The durable definition of one handler, keyed by handler name.</summary>
[Alias("tx.IHandlerDefinitionGrain")]
public interface IHandlerDefinitionGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<HandlerDefinition?> Get();

    /// <inheritdoc cref="IAppGrain.Put"/>
    [Alias("Put")] Task Put(HandlerDefinition definition);

    /// <inheritdoc cref="IAppGrain.Delete"/>
    [Alias("Delete")] Task Delete();

    /// <inheritdoc cref="IAppGrain.Seed"/>
    [Alias("Seed")] Task<bool> Seed(HandlerDefinition definition);

    /// <inheritdoc cref="IAppGrain.IsDeleted"/>
    [Alias("IsDeleted")] Task<bool> IsDeleted();

    /// <inheritdoc cref="IAppGrain.Forget"/>
    [Alias("Forget")] Task Forget();
}
