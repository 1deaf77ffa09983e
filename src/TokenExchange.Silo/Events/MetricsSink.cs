using System.Collections.Frozen;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;

namespace TokenExchange.Silo.Events;

/// <summary>
/// Counts and times every token operation (tokenexchange.operations, tokenexchange.operation.duration).
/// A client_id is caller input: it becomes a tag only when it names a configured app and the request did
/// not fail client authentication, else "unknown"; error codes outside the OAuth set become "other".
/// </summary>
public sealed class MetricsSink(TokenExchangeMetrics metrics, IDefinitionSource definitions) : ITokenEventSink
{
    public const string Unknown = "unknown";
    public const string NoHandler = "none";
    public const string OtherError = "other";

    private static readonly FrozenSet<string> ErrorCodes = new[]
    {
        OAuthErrorCodes.InvalidRequest, OAuthErrorCodes.InvalidClient, OAuthErrorCodes.InvalidGrant,
        OAuthErrorCodes.UnauthorizedClient, OAuthErrorCodes.UnsupportedGrantType, OAuthErrorCodes.InvalidScope,
        OAuthErrorCodes.InvalidTarget, OAuthErrorCodes.ServerError, OAuthErrorCodes.TemporarilyUnavailable,
        "unsupported_token_type", OAuthErrorCodes.InvalidDpopProof, OAuthErrorCodes.UseDpopNonce,
    }.ToFrozenSet(StringComparer.Ordinal);

    public void Record(TokenEvent e)
    {
        var snapshot = definitions.Snapshot;
        var app = App(snapshot, e.ClientId, e.ErrorCode);
        metrics.Operation(Operation(e.Operation), app, Handler(snapshot, e.Handler), Error(e.ErrorCode), e.Elapsed);
        if (e.Transaction is { } transaction) metrics.TransactionToken(transaction.Action, app);
    }

    /// <summary>The app as a tag: a configured client_id that did not fail authentication, else "unknown".</summary>
    public static string App(DefinitionSnapshot snapshot, string? clientId, string? errorCode) =>
        clientId is not null && errorCode != OAuthErrorCodes.InvalidClient && snapshot.Apps.TryGetValue(clientId, out var app) ? app.ClientId : Unknown;

    public static string Handler(DefinitionSnapshot snapshot, string? handler) =>
        handler is null ? NoHandler : snapshot.Handlers.TryGetValue(handler, out var definition) ? definition.Name : Unknown;

    public static string? Error(string? errorCode) =>
        errorCode is null ? null : ErrorCodes.TryGetValue(errorCode, out var known) ? known : OtherError;

    private static string Operation(TokenOperation operation) => operation switch
    {
        TokenOperation.Exchange => "exchange",
        TokenOperation.Refresh => "refresh",
        TokenOperation.Introspect => "introspect",
        TokenOperation.Revoke => "revoke",
        _ => OtherError,
    };
}
