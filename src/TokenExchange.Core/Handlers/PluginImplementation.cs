using Microsoft.Extensions.Logging;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// An operator's <see cref="TokenExchangeHandler"/>, run within its time budget: one that throws fails
/// that exchange with server_error, one that overruns with temporarily_unavailable, one that returns
/// nonsense with server_error. Each failure is logged and counted; none reaches the silo.
/// </summary>
public sealed class PluginImplementation(HandlerDefinition definition, TokenExchangeHandler handler, HandlerServices services, TimeProvider time, ILogger logger, TokenExchangeMetrics metrics) : IHandlerImplementation
{
    public async ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        var (result, error) = await Run("validate", token => handler.ValidateTokenAsync(new TokenValidationContext
        {
            ClientId = exchange.App.ClientId,
            AppKind = exchange.App.Kind,
            Token = exchange.SubjectToken,
            TokenType = exchange.SubjectTokenType,
            Services = services,
            CancellationToken = token,
        }), cancellationToken).ConfigureAwait(false);
        if (error is not null) return (null, error);
        if (result is null) return (null, Garbage("validate", "returned null"));
        if (!result.IsValid)
            return (null, Errors.InvalidRequest(Clip(result.ErrorMessage) ?? "subject_token is invalid", $"handler {definition.Name} refused the token"));
        if (string.IsNullOrEmpty(result.Subject) || string.IsNullOrEmpty(result.Issuer))
            return (null, Garbage("validate", "a valid result without subject or issuer"));
        return (new ValidatedSubject
        {
            Subject = result.Subject,
            Issuer = result.Issuer,
            Claims = ClaimSet.Of(result.Claims),
            Username = result.UserData?.Username,
            Email = result.UserData?.Email,
            DisplayName = result.UserData?.DisplayName,
            FederationId = result.UserData?.FederationId,
            ExpiresAt = result.ExpiresAt,
        }, null);
    }

    public async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var validation = TokenValidationResult.Valid(subject.Subject, subject.Issuer, subject.Claims,
            new HandlerUserData(subject.Username, subject.Email, subject.DisplayName, subject.FederationId), subject.ExpiresAt);
        var (mapping, error) = await Run("get user", token => handler.GetUserAsync(new UserMappingContext
        {
            Validation = validation,
            AllowUserCreation = request.AllowUserCreation,
            ClientId = request.ClientId,
            Users = users,
            Services = services,
            CancellationToken = token,
        }), cancellationToken).ConfigureAwait(false);
        if (error is not null) return (null, error);
        var answers = mapping is null ? 0 : (mapping.UserId is not null ? 1 : 0) + (mapping.NewUser is not null ? 1 : 0) + (mapping.ErrorMessage is not null ? 1 : 0);
        if (answers != 1) return (null, Garbage("get user", "not exactly one of existing user, new user or none"));
        return (mapping! with { ErrorMessage = Clip(mapping.ErrorMessage) }, null);
    }

    private async Task<(T? Result, OAuthError? Error)> Run<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) where T : class
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(definition.Timeout);
        try
        {
            return (await call(budget.Token).WaitAsync(definition.Timeout, time, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            metrics.HandlerFailure(definition.Name, "timeout");
            logger.LogWarning("Handler {Handler} did not {Operation} within {Timeout}", definition.Name, operation, definition.Timeout);
            return (null, Errors.TemporarilyUnavailable("the token handler did not answer in time", $"handler {definition.Name} timed out in {operation}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.HandlerFailure(definition.Name, "exception");
            logger.LogError(e, "Handler {Handler} threw in {Operation}", definition.Name, operation);
            return (null, Errors.ServerError($"handler {definition.Name} threw {e.GetType().Name} in {operation}"));
        }
    }

    private OAuthError Garbage(string operation, string what)
    {
        metrics.HandlerFailure(definition.Name, "invalid_result");
        logger.LogError("Handler {Handler} returned {What} from {Operation}", definition.Name, what, operation);
        return Errors.ServerError($"handler {definition.Name} returned {what} from {operation}");
    }

    /// <summary>A handler's message reaches the client: keep it short and printable.</summary>
    private static string? Clip(string? message) =>
        message is null ? null : new string([.. message.Take(200).Select(c => char.IsControl(c) ? ' ' : c)]);
}
