using System.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Handlers;
using TokenExchange.Grains.Silo.Events;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// What both front doors (gRPC and HTTP) call: authorize the request against this silo's cached
/// definitions, hand it to the chosen handler's local worker, and record one <see cref="TokenEvent"/>.
/// </summary>
public sealed class ExchangeFrontDoor(DefinitionCache definitions, ExchangeAuthorizer authorizer, RefreshTokenGrant refreshGrant, IGrainFactory grains, TokenEvents events)
{
    public async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var authorization = authorizer.Authorize(request, definitions.Snapshot);
        ExchangeOutcome outcome;
        if (authorization.Error is { } refused)
        {
            outcome = ExchangeOutcome.Failure(refused);
        }
        else
        {
            var exchange = authorization.Exchange!;
            try
            {
                outcome = await grains.GetGrain<IHandlerGrain>(exchange.HandlerName).Exchange(exchange).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcome = ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
            }
        }
        events.Record(TokenOperation.Exchange, startedAt, request.ClientId, authorization.Exchange?.HandlerName, outcome.Error, outcome.UserId, request.SubjectToken, request.ClientAddress);
        return outcome;
    }

    /// <summary>The refresh token grant; recorded like an exchange (the token hashed).</summary>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        ExchangeOutcome outcome;
        try
        {
            outcome = await refreshGrant.RefreshAsync(request).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
        }
        events.Record(TokenOperation.Refresh, startedAt, request.ClientId, null, outcome.Error, outcome.UserId, request.RefreshToken, request.ClientAddress);
        return outcome;
    }
}
