using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TokenExchange.Tokens;

namespace TokenExchange.Sessions;

/// <summary>The grain key of a subject session: handler, issuer and subject, each escaped, joined by '|'.</summary>
public static class SubjectSessionKey
{
    /// <summary>Keys up to this many characters are built on the stack (a real one is well under a hundred).</summary>
    private const int StackChars = 512;

    public static string For(string handler, string issuer, string subject) => Utf8For(handler, issuer, subject).ToString();

    /// <summary>
    /// The key as the UTF-8 bytes a grain id holds, for the exchange, which addresses the session and names it in its
    /// tokens with no string of the key (issue 15: an exchange allocated the key's text, then Orleans its bytes).
    /// </summary>
    public static SessionKeyUtf8 Utf8For(string handler, string issuer, string subject)
    {
        Span<char> key = stackalloc char[StackChars];
        var written = 0;
        // Escaped, the key is ASCII: its bytes are its characters, narrowed.
        return Append(handler, key, ref written) && Separator(key, ref written) && Append(issuer, key, ref written)
            && Separator(key, ref written) && Append(subject, key, ref written)
            ? new SessionKeyUtf8(Ascii(key[..written]))
            : SessionKeyUtf8.Of(string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject)));
    }

    /// <summary>
    /// The session's id as issued tokens carry it (<c>sid</c>): 128 bits of the key's SHA-256, base64url, so a
    /// token names its session without telling downstream services the IdP's subject.
    /// </summary>
    public static string SessionId(string sessionKey)
    {
        // Minted on every exchange: the key's bytes and the hash on the stack, one string allocated for the id.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Utf8Sha256.Hash(sessionKey, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }

    /// <summary><see cref="SessionId(string)"/> of a key held as its bytes, hashed as they are.</summary>
    public static string SessionId(SessionKeyUtf8 sessionKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(sessionKey.Bytes, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }

    private static byte[] Ascii(ReadOnlySpan<char> text)
    {
        var bytes = new byte[text.Length];
        Encoding.ASCII.GetBytes(text, bytes);
        return bytes;
    }

    private static bool Append(string part, Span<char> key, ref int written)
    {
        if (!Uri.TryEscapeDataString(part, key[written..], out var count)) return false;
        written += count;
        return true;
    }

    private static bool Separator(Span<char> key, ref int written)
    {
        if (written == key.Length) return false;
        key[written++] = '|';
        return true;
    }
}

/// <summary>
/// A subject session's key (<see cref="SubjectSessionKey"/>) as its UTF-8 bytes, which a grain id takes as they are.
/// The array is never written after it is made: the grain id that holds it is immutable.
/// </summary>
public readonly struct SessionKeyUtf8(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;

    /// <summary>The key of its text (a session key stored with a refresh token family, say).</summary>
    public static SessionKeyUtf8 Of(string key) => new(Encoding.UTF8.GetBytes(key));

    /// <summary>The key's text, as grain keys and stored records write it.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Bytes);
}
