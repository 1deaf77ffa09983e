using System.Net;
using System.Text;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Http;

/// <summary>
/// Checks a raw form body before it is parsed. ASP.NET Core's form decoding keeps a percent sequence that is
/// not valid UTF-8 as literal text ("%FF"), so the bytes are decoded here strictly, field by field, and a
/// field with invalid UTF-8 or a control character is refused by its name.
/// </summary>
public static class FormEncoding
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The name of the first unclean field (only one of <paramref name="knownNames"/> is echoed), or null.</summary>
    public static string? FindUnclean(ReadOnlySpan<byte> body, IReadOnlySet<string> knownNames)
    {
        foreach (var range in body.Split((byte)'&'))
        {
            var pair = body[range];
            var equals = pair.IndexOf((byte)'=');
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            if (name is null || value is null || !ParameterText.IsClean(name) || !ParameterText.IsClean(value))
                return name is not null && knownNames.Contains(name) ? name : "a parameter";
        }
        return null;
    }

    private static string? Decode(ReadOnlySpan<byte> encoded)
    {
        var bytes = encoded.ToArray();
        try
        {
            return Strict.GetString(WebUtility.UrlDecodeToBytes(bytes, 0, bytes.Length));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
