using System.Diagnostics;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Grains.Handlers;
using TokenExchange.Grains.Silo.Events;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// What both front doors (gRPC and HTTP) call: authorize the request against this silo's cached
/// definitions, hand it to the chosen handler's local worker, and record one <see cref="TokenEvent"/>.
/// Each exchange is one span, a child of the incoming request's (whose trace context the caller sent).
/// </summary>
public sealed class ExchangeFrontDoor(DefinitionCache definitions, ExchangeAuthorizer authorizer, RefreshTokenGrant refreshGrant, IGrainFactory grains, TokenEvents events)
{
    public async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
        using var span = TokenExchangeTelemetry.ActivitySource.StartActivity(TokenExchangeTelemetry.Spans.Exchange);
        var startedAt = Stopwatch.GetTimestamp();
        var snapshot = definitions.Snapshot;
        var authorization = authorizer.Authorize(request, snapshot);
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
        Describe(span, snapshot, request.ClientId, authorization.Exchange?.HandlerName, outcome.Error);
        return outcome;
    }

    /// <summary>The refresh token grant; recorded like an exchange (the token hashed).</summary>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        using var span = TokenExchangeTelemetry.ActivitySource.StartActivity(TokenExchangeTelemetry.Spans.Refresh);
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
        Describe(span, definitions.Snapshot, request.ClientId, null, outcome.Error);
        return outcome;
    }

    /// <summary>The span's tags, as bounded as the metrics' (a span is exported as widely).</summary>
    private static void Describe(Activity? span, TokenExchange.Definitions.DefinitionSnapshot snapshot, string? clientId, string? handler, OAuthError? error)
    {
        if (span is null || !span.IsAllDataRequested) return;
        span.SetTag("tokenexchange.app", MetricsSink.App(snapshot, clientId, error?.Code));
        span.SetTag("tokenexchange.handler", MetricsSink.Handler(snapshot, handler));
        if (error is not null) span.Fail(MetricsSink.Error(error.Code)!);
    }
}
