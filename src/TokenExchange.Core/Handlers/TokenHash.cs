using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The SHA-256 of a whole token, the verified-token cache's key: the token itself is never kept, and no other
/// token (forged or not) shares it without a SHA-256 collision. Hashed over the string's UTF-16 code units, a
/// one-to-one encoding, so it costs no copy into UTF-8.
/// </summary>
public readonly record struct TokenHash(UInt128 First, UInt128 Second)
{
    public static TokenHash Of(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(token.AsSpan()), hash);
        return new(BinaryPrimitives.ReadUInt128LittleEndian(hash), BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]));
    }
}
