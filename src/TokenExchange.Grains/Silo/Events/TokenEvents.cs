using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Silo.Events;

/// <summary>Builds each <see cref="TokenEvent"/> once and hands it to every registered sink.</summary>
public sealed class TokenEvents(IEnumerable<ITokenEventSink> sinks, TimeProvider time, ILogger<TokenEvents> logger)
{
    private readonly ITokenEventSink[] sinks = [.. sinks];

    /// <summary>Call with <see cref="Stopwatch.GetTimestamp"/> taken when the operation began.</summary>
    public void Record(TokenOperation operation, long startedAt, string? clientId, string? handler, OAuthError? error, string? userId, string? token, string? clientAddress)
    {
        if (sinks.Length == 0) return;
        var tokenEvent = new TokenEvent(operation, time.GetUtcNow(), Stopwatch.GetElapsedTime(startedAt), Clip(clientId), handler,
            error?.Code, error is null ? null : error.Reason ?? error.Description, userId, TokenHash(token), clientAddress);
        foreach (var sink in sinks)
        {
            try
            {
                sink.Record(tokenEvent);
            }
            catch (Exception e)
            {
                // A broken sink must not turn an answered request into a failure.
                logger.LogError(e, "Token event sink {Sink} failed", sink.GetType().Name);
            }
        }
    }

    /// <summary>The first 8 bytes of the token's SHA-256, hex: enough to correlate, useless to replay.</summary>
    public static string? TokenHash(string? token) => string.IsNullOrEmpty(token) ? null : OpaqueTokens.Hash(token)[..16];

    /// <summary>A client_id is caller input: bounded before it reaches logs or tables.</summary>
    private static string? Clip(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value;
}
