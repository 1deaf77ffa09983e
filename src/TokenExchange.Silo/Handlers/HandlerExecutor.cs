using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Silo.Handlers;

/// <summary>
/// Runs an authorized exchange's remaining rules (<see cref="ExchangePipeline.ExchangeAsync"/>) with this silo's
/// compiled handler, in the front door's own task. It was a [StatelessWorker] grain: the grain added a message,
/// a copy and a scheduling hop per exchange and nothing else, since a compiled handler is immutable and safe to share. The subject session call inside stays the
/// exchange's only grain call.
/// </summary>
public sealed class HandlerExecutor(HandlerRuntime runtime, ExchangePipeline pipeline, ISubjectSessions sessions, TokenMinter minter, ILogger<HandlerExecutor> logger)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ExchangeOutcome> ExchangeAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        try
        {
            // A transaction token's replacement has no handler: the cluster verifies its own token.
            if (exchange.Transaction is { Kind: TransactionTokenKind.Replace }) return await pipeline.ReplaceAsync(exchange);
            var handler = runtime.Get(exchange.HandlerName);
            // The front door found the handler defined; no runnable handler means its definition could not be
            // compiled (its plugin type did not load): the server's fault, logged when it was compiled.
            if (handler is null) return ExchangeOutcome.Failure(Errors.ServerError($"handler {exchange.HandlerName} is defined but cannot run"));
            return await pipeline.ExchangeAsync(exchange, handler, sessions, minter, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Includes a failed subject session call (a silo or storage down): mapped to its OAuth error.
            logger.LogError(e, "Handler {Handler} failed an exchange for client {ClientId}", exchange.HandlerName, exchange.App.ClientId);
            return ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
        }
    }
}
