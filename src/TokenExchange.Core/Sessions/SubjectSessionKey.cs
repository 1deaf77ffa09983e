using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Sessions;

/// <summary>The grain key of a subject session: handler, issuer and subject, each escaped, joined by '|'.</summary>
public static class SubjectSessionKey
{
    public static string For(string handler, string issuer, string subject) =>
        string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject));

    /// <summary>
    /// The session's id as issued tokens carry it (<c>sid</c>): 128 bits of the key's SHA-256, base64url, so a
    /// token names its session without telling downstream services the IdP's subject.
    /// </summary>
    public static string SessionId(string sessionKey)
    {
        // Minted on every exchange: the hash on the stack, base64url by the framework, one string allocated for the key's bytes and one for the id.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(sessionKey), hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
