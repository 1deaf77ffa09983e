using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Grains.Silo.Events;

/// <summary>
/// Builds each <see cref="TokenEvent"/> once and hands it to every registered sink. Events name the silo
/// by its Orleans address (<c>IP:port@generation</c>), as the membership table does.
/// </summary>
public sealed class TokenEvents(IEnumerable<ITokenEventSink> sinks, TimeProvider time, ILogger<TokenEvents> logger, ILocalSiloDetails? silo = null)
{
    private readonly ITokenEventSink[] sinks = [.. sinks];
    private readonly string? siloName = silo?.SiloAddress.ToParsableString();

    /// <summary>Call with <see cref="Stopwatch.GetTimestamp"/> taken when the operation began.</summary>
    public void Record(TokenOperation operation, long startedAt, string? clientId, string? handler, OAuthError? error, string? userId, string? token, string? clientAddress)
    {
        if (sinks.Length == 0) return;
        Publish(new TokenEvent(operation, time.GetUtcNow(), Stopwatch.GetElapsedTime(startedAt), Clip(clientId), Clip(handler),
            error?.Code, error is null ? null : error.Reason ?? error.Description, userId, TokenHash(token), clientAddress, siloName));
    }

    /// <summary>
    /// An admin change (or a refused one, with <paramref name="errorCode"/>): <paramref name="actor"/> names who
    /// made it without the credential; <paramref name="detail"/> says what changed.
    /// </summary>
    public void RecordAdmin(long startedAt, string actor, string detail, string? errorCode, string? reason, string? clientAddress, string? clientId = null, string? handler = null, string? userId = null)
    {
        if (sinks.Length == 0) return;
        Publish(new TokenEvent(TokenOperation.Admin, time.GetUtcNow(), Stopwatch.GetElapsedTime(startedAt), Clip(clientId), Clip(handler),
            errorCode, reason, Clip(userId), null, clientAddress, siloName, actor, Clip(detail, 1024)));
    }

    private void Publish(TokenEvent tokenEvent)
    {
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

    /// <summary>Client ids, handler names and details are caller input: bounded before they reach logs or tables.</summary>
    private static string? Clip(string? value, int max = 64) => value is { } v && v.Length > max ? v[..max] + "…" : value;
}
