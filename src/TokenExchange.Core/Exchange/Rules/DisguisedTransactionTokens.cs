using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// A transaction token is accepted only as what it is: <c>subject_token_type</c> txn_token, for a replacement, which
/// the cluster verifies itself. Declared as anything else (an access token, a JWT), it would reach a handler, and a
/// <c>jwt</c> handler that trusts the cluster's own issuer could take it for an access token; so a subject or actor
/// token whose JWT header says <c>typ</c> <c>txntoken+jwt</c> is refused here, whatever the handler
/// (draft-ietf-oauth-transaction-tokens-10: "Transaction Tokens Are Not OAuth 2.0 Access Tokens"). Only the header
/// is read (no signature is checked: either way the token is refused).
/// </summary>
public static class DisguisedTransactionTokens
{
    public const string JwtType = "txntoken+jwt";

    /// <summary>RFC 7515 section 4.1.9: <c>typ</c> may be the full media type.</summary>
    private const string MediaType = "application/" + JwtType;

    /// <summary>Longest header read: a real one is a few hundred bytes.</summary>
    private const int MaxHeaderLength = 4 * 1024;

    public static OAuthError? Check(ExchangeRequest request, string subjectTokenType)
    {
        if (subjectTokenType != TokenTypes.TxnToken && IsTransactionToken(request.SubjectToken))
            return Errors.InvalidRequest("subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced");
        return IsTransactionToken(request.ActorToken) ? Errors.InvalidRequest("a transaction token is never an actor_token") : null;
    }

    /// <summary>Whether <paramref name="token"/> is a JWS whose header's <c>typ</c> is <c>txntoken+jwt</c> (or its media type).</summary>
    public static bool IsTransactionToken(string? token)
    {
        if (token is null) return false;
        // No dot: no JWS, and nothing before it is decoded.
        var dot = Math.Max(token.IndexOf('.'), 0);
        if (dot > MaxHeaderLength) return false;
        Span<byte> header = stackalloc byte[Base64Url.GetMaxDecodedLength(MaxHeaderLength)];
        if (Base64Url.DecodeFromChars(token.AsSpan(0, dot), header, out _, out var written) != OperationStatus.Done) return false;
        // An absent gRPC actor_token is "", and an opaque token has no dot: both decode to nothing, which the JSON
        // reader would answer with an exception, on every such exchange (issue 15).
        // Stryker disable once Statement,Block : without it the reader throws on no input and the catch below answers the same; this only spares the exception.
        if (written == 0) return false;
        return HeaderType(header[..written]) is { } typ
            && (typ.Equals(JwtType, StringComparison.OrdinalIgnoreCase) || typ.Equals(MediaType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The top-level <c>typ</c> string of a JSON object, or null (not an object, not JSON, no string typ).</summary>
    private static string? HeaderType(ReadOnlySpan<byte> json)
    {
        try
        {
            return TopLevelType(json);
        }
        catch (JsonException)
        {
            // Not JSON: no header of a transaction token.
        }
        return null;
    }

    /// <summary>Reads past the first token (an object's start, else nothing named <c>typ</c> follows at the top level).</summary>
    private static string? TopLevelType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read()) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("typ"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
        }
        return null;
    }
}
