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
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > MaxHeaderLength) return false;
        Span<byte> header = stackalloc byte[MaxHeaderLength * 3 / 4];
        if (Base64Url.DecodeFromChars(token.AsSpan(0, dot), header, out _, out var written) != OperationStatus.Done) return false;
        return HeaderType(header[..written]) is { } typ
            && (typ.Equals(JwtType, StringComparison.OrdinalIgnoreCase) || typ.Equals(MediaType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The top-level <c>typ</c> string of a JSON object, or null (not an object, not JSON, no string typ).</summary>
    private static string? HeaderType(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("typ"u8);
                if (!reader.Read()) return null;
                if (isType && reader.TokenType == JsonTokenType.String) return reader.GetString();
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
