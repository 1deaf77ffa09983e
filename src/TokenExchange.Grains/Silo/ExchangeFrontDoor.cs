using System.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Handlers;
using TokenExchange.Grains.Silo.Events;
using TokenExchange.Grains.Silo.Limits;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// What every front door (gRPC unary and streaming, HTTP) calls: pass the rate limits, authorize the
/// request against this silo's cached definitions, hand it to the chosen handler's local worker, and
/// record one <see cref="TokenEvent"/>.
/// </summary>
public sealed class ExchangeFrontDoor(DefinitionCache definitions, ExchangeAuthorizer authorizer, RefreshTokenGrant refreshGrant, IGrainFactory grains, TokenEvents events, RateLimits limits)
{
    public async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var snapshot = definitions.Snapshot;
        var app = RateLimits.ChargeableApp(snapshot, request.ClientId, request.ClientSecret);
        string? handlerName = null;
        ExchangeOutcome outcome;
        if (limits.Admit(app, request.ClientAddress, checkInvalidTokens: true) is { } limited)
        {
            outcome = ExchangeOutcome.Failure(limited);
        }
        else
        {
            var authorization = authorizer.Authorize(request, snapshot);
            handlerName = authorization.Exchange?.HandlerName;
            outcome = authorization.Error is { } refused ? ExchangeOutcome.Failure(refused) : await RunHandlerAsync(authorization.Exchange!, cancellationToken);
            // The handler answers invalid_request only for a subject or actor token it refused.
            if (authorization.Exchange is not null && outcome.Error is { Code: OAuthErrorCodes.InvalidRequest }) limits.InvalidToken(app, request.ClientAddress);
        }
        events.Record(TokenOperation.Exchange, startedAt, request.ClientId, handlerName, outcome.Error, outcome.UserId, request.SubjectToken, request.ClientAddress);
        return outcome;
    }

    private async Task<ExchangeOutcome> RunHandlerAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IHandlerGrain>(exchange.HandlerName).Exchange(exchange).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
        }
    }

    /// <summary>The refresh token grant; recorded like an exchange (the token hashed).</summary>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var app = RateLimits.ChargeableApp(definitions.Snapshot, request.ClientId, request.ClientSecret);
        ExchangeOutcome outcome;
        if (limits.Admit(app, request.ClientAddress, checkInvalidTokens: true) is { } limited)
        {
            outcome = ExchangeOutcome.Failure(limited);
        }
        else
        {
            try
            {
                outcome = await refreshGrant.RefreshAsync(request).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcome = ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
            }
            // A refused refresh token spends like a refused subject token: guessing them is the same attack.
            if (outcome.Error is { Code: OAuthErrorCodes.InvalidGrant }) limits.InvalidToken(app, request.ClientAddress);
        }
        events.Record(TokenOperation.Refresh, startedAt, request.ClientId, null, outcome.Error, outcome.UserId, request.RefreshToken, request.ClientAddress);
        return outcome;
    }
}
