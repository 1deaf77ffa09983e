using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Tokens;

/// <summary>
/// SHA-256 of a string's UTF-8 bytes without a byte array per call, for the hashes taken on every exchange (a client
/// secret, a session key, an issued token). The bytes go on the stack, or in a pooled buffer for an unusually long
/// string, and are wiped once hashed: some of these strings are credentials.
/// </summary>
public static class Utf8Sha256
{
    /// <summary>Strings whose UTF-8 bytes fit here are hashed from the stack.</summary>
    private const int StackBytes = 1024;

    public static void Hash(string text, Span<byte> digest)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var rented = length > StackBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        var buffer = rented is null ? stackalloc byte[StackBytes] : rented;
        var bytes = buffer[..Encoding.UTF8.GetBytes(text, buffer)];
        SHA256.HashData(bytes, digest);
        CryptographicOperations.ZeroMemory(bytes);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }
}
