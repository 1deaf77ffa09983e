using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>
/// Writes a JWT's claims set (RFC 7519 section 7.1, step 1) into a buffer its thread keeps, for
/// <see cref="CompactJws"/> to encode and sign. IdentityModel's <see cref="SecurityTokenDescriptor"/> path takes
/// the same claims as a dictionary and writes them through a <see cref="MemoryStream"/> regrown to the token's
/// size each time; the cluster signs every exchange's tokens, so that was kilobytes per exchange (issue 15). Claims are written as IdentityModel writes them (its relaxed
/// encoder, <c>iss</c>, <c>exp</c>, <c>iat</c> first, numbers and nested values alike), so a token's payload is
/// the same bytes as before; TokenMinterPayloadTests compares them.
/// </summary>
internal sealed class TokenPayloadWriter
{
    /// <summary>IdentityModel refuses to write claims nested this deep; so does this writer.</summary>
    private const int MaxDepth = 64;

    /// <summary>A buffer grown past this by an unusually large token is not kept for the thread's next one.</summary>
    private const int MaxKeptBytes = 16 * 1024;

    [ThreadStatic]
    private static TokenPayloadWriter? current;

    private readonly ArrayBufferWriter<byte> buffer = new(1024);

    private TokenPayloadWriter() =>
        Json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The claims set being written; its object is open.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>
    /// This thread's writer, emptied, with the claims set opened and its <c>iss</c>, <c>exp</c> and <c>iat</c>
    /// written. Nothing awaits between this and <see cref="Sign"/>, so one writer a thread is enough.
    /// </summary>
    public static TokenPayloadWriter Start(string issuer, DateTimeOffset issuedAt, DateTimeOffset expires)
    {
        var writer = current ??= new TokenPayloadWriter();
        writer.buffer.ResetWrittenCount();
        writer.Json.Reset(writer.buffer);
        writer.Json.WriteStartObject();
        writer.Json.WriteString(JwtRegisteredClaimNames.Iss, issuer);
        writer.Json.WriteNumber(JwtRegisteredClaimNames.Exp, EpochTime.GetIntDate(expires.UtcDateTime));
        writer.Json.WriteNumber(JwtRegisteredClaimNames.Iat, EpochTime.GetIntDate(issuedAt.UtcDateTime));
        return writer;
    }

    /// <summary>A claim whose value is JSON object text, as <see cref="JsonObjects.ToDictionary(string)"/> reads it: null members and items left out.</summary>
    public void WriteObject(string name, string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("not a JSON object", nameof(json));
        CheckDepth();
        Json.WritePropertyName(name);
        WriteValue(node);
    }

    /// <summary>Closes the claims set and signs it as a token with this header (<see cref="CompactJws"/>).</summary>
    public string Sign(ReadOnlySpan<byte> header, SigningKey key)
    {
        Json.WriteEndObject();
        Json.Flush();
        var token = CompactJws.Sign(header, buffer.WrittenSpan, key);
        if (buffer.Capacity > MaxKeptBytes) current = null;
        return token;
    }

    /// <summary>Values map as <see cref="JsonObjects"/> maps them: integers as 64-bit, other numbers as doubles, other scalars as strings.</summary>
    private void WriteValue(JsonNode node)
    {
        if (node is JsonObject o)
        {
            Json.WriteStartObject();
            foreach (var (key, value) in o)
            {
                if (value is null) continue;
                CheckDepth();
                Json.WritePropertyName(key);
                WriteValue(value);
            }
            Json.WriteEndObject();
        }
        else if (node is JsonArray a)
        {
            Json.WriteStartArray();
            foreach (var item in a)
            {
                if (item is null) continue;
                CheckDepth();
                WriteValue(item);
            }
            Json.WriteEndArray();
        }
        else
        {
            WriteScalar((JsonValue)node);
        }
    }

    private void WriteScalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.True or JsonValueKind.False:
                Json.WriteBooleanValue(value.GetValue<bool>());
                break;
            case JsonValueKind.Number when value.TryGetValue<long>(out var integer):
                Json.WriteNumberValue(integer);
                break;
            case JsonValueKind.Number:
                Json.WriteNumberValue(value.GetValue<double>());
                break;
            default:
                Json.WriteStringValue(value.ToString());
                break;
        }
    }

    private void CheckDepth()
    {
        if (Json.CurrentDepth >= MaxDepth) throw new InvalidOperationException($"claims nested deeper than {MaxDepth} levels");
    }
}
