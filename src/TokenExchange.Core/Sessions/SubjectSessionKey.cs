using System.Buffers.Text;
using System.Security.Cryptography;
using TokenExchange.Tokens;

namespace TokenExchange.Sessions;

/// <summary>The grain key of a subject session: handler, issuer and subject, each escaped, joined by '|'.</summary>
public static class SubjectSessionKey
{
    /// <summary>Keys up to this many characters are built on the stack (a real one is well under a hundred).</summary>
    private const int StackChars = 512;

    /// <summary>On every exchange: the parts are escaped into one buffer, and the key is the one string allocated.</summary>
    public static string For(string handler, string issuer, string subject)
    {
        Span<char> key = stackalloc char[StackChars];
        var written = 0;
        return Append(handler, key, ref written) && Separator(key, ref written) && Append(issuer, key, ref written)
            && Separator(key, ref written) && Append(subject, key, ref written)
            ? new string(key[..written])
            : string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject));
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
