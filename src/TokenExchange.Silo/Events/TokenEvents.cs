using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Silo.Events;

/// <summary>
/// Builds each <see cref="TokenEvent"/> once and hands it to every registered sink. Events name the silo
/// by its Orleans address (<c>IP:port@generation</c>), as the membership table does.
/// </summary>
public sealed class TokenEvents(IEnumerable<ITokenEventSink> sinks, TimeProvider time, ILogger<TokenEvents> logger, ILocalSiloDetails? silo = null)
{
    private readonly ITokenEventSink[] sinks = [.. sinks];
    private readonly string? siloName = silo?.SiloAddress.ToParsableString();

    /// <summary>Call with <see cref="Stopwatch.GetTimestamp"/> taken when the operation began.</summary>
    /// <param name="transaction">The transaction token the exchange issued or replaced, for the audit trail (draft-ietf-oauth-transaction-tokens-10 asks the TTS to log <c>txn</c>).</param>
    public void Record(TokenOperation operation, long startedAt, string? clientId, string? handler, OAuthError? error, string? userId, string? token, string? clientAddress,
        TransactionTokenRecord? transaction = null)
    {
        if (sinks.Length == 0) return;
        Publish(new TokenEvent(operation, time.GetUtcNow(), Stopwatch.GetElapsedTime(startedAt), Clean(clientId), Clean(handler),
            Clean(error?.Code), Clean(error is null ? null : error.Reason ?? error.Description, 1024), Clean(userId, 256), TokenHashValue(token), Clean(clientAddress), siloName,
            Detail: transaction is null ? null : $"txn_token {transaction.Action} txn={transaction.TransactionId}", Transaction: transaction));
    }

    /// <summary>
    /// An admin change (or a refused one, with <paramref name="errorCode"/>): <paramref name="actor"/> names who
    /// made it without the credential; <paramref name="detail"/> says what changed.
    /// </summary>
    public void RecordAdmin(long startedAt, string actor, string detail, string? errorCode, string? reason, string? clientAddress, string? clientId = null, string? handler = null, string? userId = null)
    {
        if (sinks.Length == 0) return;
        Publish(new TokenEvent(TokenOperation.Admin, time.GetUtcNow(), Stopwatch.GetElapsedTime(startedAt), Clean(clientId), Clean(handler),
            Clean(errorCode), Clean(reason, 1024), Clean(userId, 256), null, Clean(clientAddress), siloName, Clean(actor, 256), Clean(detail, 1024)));
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
    public static string? TokenHash(string? token) => TokenEvent.FormatTokenHash(TokenHashValue(token));

    /// <summary>
    /// <see cref="TokenHash"/> as the number its 16 hex characters write (big-endian): what an event carries, so an
    /// exchange no sink writes down (a success, with the audit log at Information) allocates no string for it.
    /// </summary>
    public static ulong? TokenHashValue(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        // On every exchange: the token's bytes (a credential, wiped after) and the hash off the heap (the start of OpaqueTokens.Hash).
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Utf8Sha256.Hash(token, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    /// <summary>
    /// Every text of an event may hold caller input (a client_id from a form, a Basic user name or a gRPC field;
    /// a reason that quotes a parameter): bounded, then escaped (<see cref="LogText"/>), here where events are
    /// made, so no sink (audit log, audit table, live view, an operator's own) can receive a raw CR, LF, NUL or
    /// terminal escape and write a line an attacker composed.
    /// </summary>
    private static string? Clean(string? value, int max = 64) => LogText.Escape(value is { } v && v.Length > max ? v[..max] + "…" : value);
}
