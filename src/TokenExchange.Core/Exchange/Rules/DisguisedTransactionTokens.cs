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

    /// <summary>
    /// Longest <c>typ</c> text compared: an unescaped string has at most as many characters as its JSON text has
    /// bytes, and a character takes six bytes at most (<c>\uXXXX</c>), so a longer text cannot be either name.
    /// </summary>
    private static readonly int MaxTypeText = 6 * MediaType.Length;

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
        return HasTransactionType(header[..written]);
    }

    /// <summary>Whether a JSON object's top-level <c>typ</c> is either name, compared without case; false for anything not JSON.</summary>
    private static bool HasTransactionType(ReadOnlySpan<byte> json)
    {
        try
        {
            return TopLevelTypeIsTransaction(json);
        }
        catch (JsonException)
        {
            // Not JSON: no header of a transaction token.
        }
        return false;
    }

    /// <summary>
    /// Reads past the first token (an object's start, else nothing named <c>typ</c> follows at the top level). The
    /// <c>typ</c> text is unescaped onto the stack rather than into a string: this runs on every exchange (issue 15).
    /// </summary>
    private static bool TopLevelTypeIsTransaction(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        // The first token. Where there is none, the loop's first Read finds none either.
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("typ"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String) return IsEitherName(ref reader);
            reader.Skip();
        }
        return false;
    }

    private static bool IsEitherName(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length > MaxTypeText) return false;
        Span<char> text = stackalloc char[MaxTypeText];
        int written;
        try
        {
            written = reader.CopyString(text);
        }
        catch (InvalidOperationException)
        {
            // Bytes that are no UTF-8: the reader does not check a string's bytes, unescaping them does. Not either name.
            return false;
        }
        var typ = text[..written];
        return typ.Equals(JwtType, StringComparison.OrdinalIgnoreCase) || typ.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }
}
