using System.Diagnostics;
using System.Runtime.CompilerServices;
using TokenExchange.Clients;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Proofs;
using TokenExchange.Silo.Events;
using TokenExchange.Silo.Handlers;
using TokenExchange.Silo.Limits;

namespace TokenExchange.Silo;

/// <summary>
/// What every front door (gRPC unary and streaming, HTTP) calls: pass the rate limits (those of the address before the
/// client is authenticated, <see cref="BudgetedAuthentication"/>), run the exchange's rules
/// (<see cref="ExchangePipeline"/>: authorize against this silo's cached definitions, then the chosen handler on
/// this silo), and record one <see cref="TokenEvent"/>. Each exchange is one span, a child of the incoming request's (whose
/// trace context the caller sent).
/// </summary>
public sealed class ExchangeFrontDoor(IDefinitionSource definitions, ExchangePipeline pipeline, RefreshTokenGrant refreshGrant, HandlerExecutor handlers, TokenEvents events, RateLimits limits, DpopProofValidator dpop, ClientAuthenticator clients)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
        using var span = TokenExchangeTelemetry.ActivitySource.StartActivity(TokenExchangeTelemetry.Spans.Exchange);
        var startedAt = Stopwatch.GetTimestamp();
        var snapshot = definitions.Snapshot;
        // Authenticated once, after the address's budgets: the app's budget charges the app it found, and the pipeline's
        // step 1 takes it as it is. A client assertion is verified here (its signature, its jti cluster-wide), so the
        // pipeline stays synchronous.
        var admission = await limits.AuthenticateAsync(clients, snapshot, request.ClientId, request.ClientSecret, requireSecret: false, request.ClientCertificate,
            request.ClientAssertion, request.ClientAddress, checkInvalidTokens: true, cancellationToken);
        var app = admission.ChargedApp;
        string? handlerName = null;
        ExchangeOutcome outcome;
        if (admission.Limited is { } limited)
        {
            outcome = ExchangeOutcome.Failure(limited);
        }
        else
        {
            var authorization = pipeline.Authorize(request, snapshot, admission.Authentication);
            handlerName = authorization.Exchange?.HandlerName is { Length: > 0 } chosen ? chosen : null;
            var (exchange, proofRefused, nonce) = authorization.Exchange is { } authorized ? await BindAsync(authorized, request, cancellationToken) : (null, null, null);
            outcome = (authorization.Error ?? proofRefused) is { } refused ? ExchangeOutcome.Failure(refused) : await handlers.ExchangeAsync(exchange!, cancellationToken);
            if (nonce is not null) outcome = outcome with { DpopNonce = nonce };
            // The handler answers invalid_request only for a subject or actor token it refused.
            if (authorization.Exchange is not null && outcome.Error is { Code: OAuthErrorCodes.InvalidRequest }) limits.InvalidToken(app, request.ClientAddress);
        }
        events.Record(TokenOperation.Exchange, startedAt, request.ClientId, handlerName, outcome.Error, outcome.UserId, request.SubjectToken, request.ClientAddress, outcome.Transaction);
        Describe(span, snapshot, request.ClientId, handlerName, outcome.Error);
        return outcome;
    }

    /// <summary>
    /// An authorized exchange with a DPoP proof: the proof checked (RFC 9449 section 4.3, its jti against the whole
    /// cluster) and the issued tokens bound to its key. Checked only once the request is authorized: a proof costs
    /// a signature check and a grain call. The nonce is the one the answer carries (RFC 9449 section 8), if any.
    /// </summary>
    private async ValueTask<(AuthorizedExchange? Exchange, OAuthError? Error, string? Nonce)> BindAsync(AuthorizedExchange exchange, ExchangeRequest request, CancellationToken cancellationToken)
    {
        if (request.Dpop is not { } proof) return (exchange, null, null);
        var app = exchange.App;
        var checkedProof = await dpop.ValidateAsync(proof, app.RequireDpopNonce ? app.ClientId : null, cancellationToken);
        return checkedProof.Error is { } refused
            ? (null, refused, checkedProof.Nonce)
            : (exchange with
            {
                DpopThumbprint = checkedProof.Thumbprint,
                RefreshDpopThumbprint = DpopRefreshBinding.KeyFor(app, request.ClientSecret, checkedProof.Thumbprint),
            }, null, checkedProof.Nonce);
    }

    /// <summary>The refresh token grant; recorded like an exchange (the token hashed).</summary>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        using var span = TokenExchangeTelemetry.ActivitySource.StartActivity(TokenExchangeTelemetry.Spans.Refresh);
        var startedAt = Stopwatch.GetTimestamp();
        var admission = await limits.AuthenticateAsync(clients, definitions.Snapshot, request.ClientId, request.ClientSecret, requireSecret: false, request.ClientCertificate,
            request.ClientAssertion, request.ClientAddress, checkInvalidTokens: true, cancellationToken);
        var app = admission.ChargedApp;
        ExchangeOutcome outcome;
        if (admission.Limited is { } limited)
        {
            outcome = ExchangeOutcome.Failure(limited);
        }
        else
        {
            try
            {
                outcome = await refreshGrant.RefreshAsync(request, cancellationToken, admission.Authentication);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcome = ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
            }
            // A refused refresh token spends like a refused subject token: guessing them is the same attack.
            if (outcome.Error is { Code: OAuthErrorCodes.InvalidGrant }) limits.InvalidToken(app, request.ClientAddress);
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
