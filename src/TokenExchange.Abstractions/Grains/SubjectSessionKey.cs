using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Grains;

/// <summary>The grain key of a subject session: handler, issuer and subject, each escaped, joined by '|'.</summary>
public static class SubjectSessionKey
{
    public static string For(string handler, string issuer, string subject) =>
        string.Join('|', Uri.EscapeDataString(handler), Uri.EscapeDataString(issuer), Uri.EscapeDataString(subject));

    /// <summary>
    /// The session's id as issued tokens carry it (<c>sid</c>): 128 bits of the key's SHA-256, base64url, so a
    /// token names its session without telling downstream services the IdP's subject.
    /// </summary>
    public static string SessionId(string sessionKey) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(sessionKey)), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
