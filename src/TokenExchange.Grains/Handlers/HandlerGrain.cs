using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Handlers;

/// <summary>
/// A handler's runtime on this silo. Stateless and reentrant: every silo runs local activations that
/// interleave requests while they await the subject session, so no activation serialises a handler's load.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class HandlerGrain(HandlerRuntime runtime, ISubjectSessions sessions, TokenMinter minter, ILogger<HandlerGrain> logger) : Grain, IHandlerGrain
{
    public async Task<ExchangeOutcome> Exchange(AuthorizedExchange exchange)
    {
        var handler = runtime.Get(this.GetPrimaryKeyString());
        if (handler is null) return ExchangeOutcome.Failure(Errors.InvalidRequest("unknown token_handler"));
        try
        {
            return await handler.ExchangeAsync(exchange, sessions, minter, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Handler {Handler} failed an exchange for client {ClientId}", handler.Definition.Name, exchange.App.ClientId);
            return ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
        }
    }
}
