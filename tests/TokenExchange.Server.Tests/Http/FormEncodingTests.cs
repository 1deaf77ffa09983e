using System.Net;
using System.Text;
using TokenExchange.Exchange;
using TokenExchange.Server.Http;

namespace TokenExchange.Server.Tests.Http;

/// <summary>
/// <see cref="FormEncoding"/> decodes each field into pooled buffers (issue 15) where it used WebUtility's decoder and a
/// strict UTF-8 string per field. Its verdict must not move: thousands of bodies made of the pieces that matter
/// (percent sequences good, short and not hex, '+', separators, valid, invalid and overlong UTF-8, control
/// characters and line separators, raw and encoded) are judged by both, and each must get the same answer.
/// </summary>
public sealed class FormEncodingTests
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "client_id", "scope", "sub ject" };

    private static readonly byte[][] Pieces =
    [
        .. new[]
        {
            "a", "client_id", "scope", "sub+ject", "sub%20ject", "=", "=", "&", "&", "+", "%", "%2", "%41", "%4", "%g1", "%4G", "%C3%A9", "%c3%a9",
            "%C3", "%28", "%FF", "%00", "%0A", "%0d", "%7F", "%1B", "%E2%80%A8", "%E2%80%A9", "%ED%A0%80", "%C0%AF", "%EF%BF%BD", "%F0%9F%98%80", "é", "名",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0x0A], [0xC3], [0x28], [0xE2, 0x80, 0xA8], [0x00],
    ];

    [Fact]
    public void Every_body_gets_the_verdict_of_WebUtilitys_decoder_and_a_strict_UTF8_string_per_field()
    {
        var random = new Random(15);
        var disagreements = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var body = Enumerable.Range(0, random.Next(0, 12)).SelectMany(_ => Pieces[random.Next(Pieces.Length)]).ToArray();
            var expected = Reference(body);
            var actual = FormEncoding.FindUnclean(body, Known);
            if (expected != actual) disagreements.Add($"{Convert.ToHexString(body)}: expected {expected ?? "clean"}, got {actual ?? "clean"}");
        }

        Assert.Empty(disagreements);
    }

    [Theory]
    [InlineData("client_id=orders&scope=api", null)]
    [InlineData("client_id=orders%FFservice", "client_id")]
    [InlineData("scope=api%0Aadmin", "scope")]
    [InlineData("sub+ject=%E2%80%A8", "sub ject")]
    [InlineData("other%00=x", "a parameter")]
    [InlineData("client_id=100%25+sure&scope=%", null)]
    public void A_field_is_refused_by_its_name_when_known(string body, string? refused) =>
        Assert.Equal(refused, FormEncoding.FindUnclean(Encoding.ASCII.GetBytes(body), Known));

    /// <summary>How the check decided before: WebUtility's decoder, then a strict UTF-8 string per name and value.</summary>
    private static string? Reference(byte[] body)
    {
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        string? Decode(byte[] encoded)
        {
            try
            {
                return strict.GetString(WebUtility.UrlDecodeToBytes(encoded, 0, encoded.Length));
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
        foreach (var range in body.AsSpan().Split((byte)'&'))
        {
            var pair = body.AsSpan()[range];
            var equals = pair.IndexOf((byte)'=');
            var name = Decode((equals < 0 ? pair : pair[..equals]).ToArray());
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..].ToArray());
            if (name is null || value is null || !ParameterText.IsClean(name) || !ParameterText.IsClean(value))
                return name is not null && Known.Contains(name) ? name : "a parameter";
        }
        return null;
    }
}
