using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Tests.Sessions;

/// <summary>
/// A subject session's grain key and sid are stored and compared across versions (the grain's identity, tokens'
/// sid): built on the stack now (issue 15), they must be the same strings as each part escaped and joined by '|'.
/// </summary>
public sealed class SubjectSessionKeyTests
{
    public static TheoryData<string, string, string> Parts() => new()
    {
        { "partner-idp", "https://idp.example.com/realms/main", "bench-user-17" },
        { "h", "urn:issuer", "a|b c/d?e=f&g%h" },
        { "ünïcödé", "https://例え.jp", "名前 😀" },
        { "", "", "" },
        // Longer than the stack buffer once escaped: the fallback builds the same key.
        { "handler", "https://idp.example/" + new string('é', 200), new string('x', 300) },
        // Around the buffer's 512 characters: 511, 512 and 513 in all, and a buffer full before the second bar.
        { "handler", "https://idp.example/", new string('y', 476) },
        { "handler", "https://idp.example/", new string('y', 477) },
        { "handler", "https://idp.example/", new string('y', 478) },
        { "handler", new string('i', 504), "s" },
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void The_key_is_each_part_escaped_and_joined_by_a_bar(string handler, string issuer, string subject) =>
        Assert.Equal(string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject)),
            SubjectSessionKey.For(handler, issuer, subject));

    /// <summary>The exchange's form of the key, its UTF-8 bytes (a grain id's), reads as the same key and has the same session id.</summary>
    [Theory]
    [MemberData(nameof(Parts))]
    public void The_keys_bytes_are_the_utf8_of_the_same_key_with_the_same_session_id(string handler, string issuer, string subject)
    {
        var key = string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject));

        var bytes = SubjectSessionKey.Utf8For(handler, issuer, subject);

        Assert.Equal(Encoding.UTF8.GetBytes(key), bytes.Bytes);
        Assert.Equal(key, bytes.ToString());
        Assert.Equal(SubjectSessionKey.SessionId(key), SubjectSessionKey.SessionId(bytes));
        Assert.Equal(SubjectSessionKey.SessionId(key), SubjectSessionKey.SessionId(SessionKeyUtf8.Of(key)));
    }

    [Theory]
    [InlineData("partner-idp|https%3A%2F%2Fidp.example|alice")]
    [InlineData("")]
    [InlineData("ünïcödé|😀")]
    public void The_session_id_is_128_bits_of_the_keys_sha256_in_base64url(string key) =>
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key))[..16]), SubjectSessionKey.SessionId(key));

    [Fact]
    public void A_key_longer_than_the_stack_buffer_has_the_same_session_id()
    {
        var key = new string('k', 5000);

        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key))[..16]), SubjectSessionKey.SessionId(key));
    }
}
