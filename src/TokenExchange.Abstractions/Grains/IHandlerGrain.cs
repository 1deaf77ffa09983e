using TokenExchange.Exchange;

namespace TokenExchange.Grains;

/// <summary>
/// The runtime of one handler, keyed by handler name. Its implementation is a stateless worker:
/// every silo runs as many local activations as the load needs.
/// </summary>
[Alias("tx.IHandlerGrain")]
public interface IHandlerGrain : IGrainWithStringKey
{
    [Alias("Exchange")] Task<ExchangeOutcome> Exchange(AuthorizedExchange exchange);
}
