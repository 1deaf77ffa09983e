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
        // The front door found the handler defined; no runnable handler means its definition could not be
        // compiled (its plugin type did not load): the server's fault, logged when it was compiled.
        if (handler is null) return ExchangeOutcome.Failure(Errors.ServerError($"handler {this.GetPrimaryKeyString()} is defined but cannot run"));
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
