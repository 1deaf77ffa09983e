using Microsoft.Extensions.Logging;
using TokenExchange.Exchange;
using TokenExchange.Grains.Handlers;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Silo;

/// <summary>
/// What both front doors (gRPC and HTTP) call: authorize the request against this silo's cached
/// definitions, hand it to the chosen handler's local worker, and write one audit event.
/// </summary>
public sealed class ExchangeFrontDoor(DefinitionCache definitions, ExchangeAuthorizer authorizer, RefreshTokenGrant refreshGrant, IGrainFactory grains, ILoggerFactory loggers)
{
    private readonly ILogger audit = loggers.CreateLogger("TokenExchange.Audit");

    public async Task<ExchangeOutcome> ExchangeAsync(ExchangeRequest request, CancellationToken cancellationToken)
    {
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
        Audit(request, authorization.Exchange?.HandlerName, outcome);
        return outcome;
    }

    /// <summary>The refresh token grant; audited like an exchange (the token hashed).</summary>
    public async Task<ExchangeOutcome> RefreshAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        ExchangeOutcome outcome;
        try
        {
            outcome = await refreshGrant.RefreshAsync(request).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = ExchangeOutcome.Failure(OrleansFailures.ToOAuthError(e));
        }
        Audit(new ExchangeRequest { ClientId = request.ClientId, SubjectToken = request.RefreshToken, ClientAddress = request.ClientAddress }, "(refresh)", outcome);
        return outcome;
    }

    /// <summary>
    /// One event per exchange. Never the token itself: a short hash identifies it across logs.
    /// Failures at Information (the operator's answer to "why was this refused"), successes at Debug.
    /// </summary>
    private void Audit(ExchangeRequest request, string? handler, ExchangeOutcome outcome)
    {
        var level = outcome.Error is null ? LogLevel.Debug : LogLevel.Information;
        if (!audit.IsEnabled(level)) return;
        audit.Log(level,
            "exchange outcome={Outcome} client={ClientId} handler={Handler} error={Error} reason={Reason} user={UserId} subject_token={TokenHash} address={ClientAddress}",
            outcome.Error is null ? "issued" : "refused", Clip(request.ClientId), handler, outcome.Error?.Code, outcome.Error?.Reason ?? outcome.Error?.Description,
            outcome.UserId, TokenHash(request.SubjectToken), request.ClientAddress);
    }

    /// <summary>The first 8 bytes of the token's SHA-256, hex: enough to correlate, useless to replay.</summary>
    public static string? TokenHash(string? token) => string.IsNullOrEmpty(token) ? null : OpaqueTokens.Hash(token)[..16];

    private static string? Clip(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value;
}
