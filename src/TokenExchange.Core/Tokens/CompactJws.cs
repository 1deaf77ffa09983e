using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenExchange.Tokens;

/// <summary>
/// Signs a claims set as a JWS in compact serialization (RFC 7515 section 7.1): the encoded header, a dot, the
/// encoded payload, a dot, the encoded signature. The pieces that need care come from IdentityModel: the header
/// segment is the one <see cref="JsonWebTokenHandler"/> writes for the key (<see cref="HeaderSegment"/>), and the
/// signature is its provider's. Only the joining is done here, in one pooled buffer, so a token costs the string
/// it is and nothing else: IdentityModel's own path encodes the header and payload through a growing stream and
/// a set intersection on every token, about 2 KB of garbage per exchange (issue 15).
/// TokenMinterPayloadTests compares the header and payload with IdentityModel's and validates the signature.
/// </summary>
internal static class CompactJws
{
    /// <summary>The encoded header IdentityModel writes for this key and extra header parameters (alg, kid, then these).</summary>
    public static byte[] HeaderSegment(SigningKey key, IDictionary<string, object>? headers)
    {
        var token = headers is null
            ? new JsonWebTokenHandler().CreateToken("{}", key.Credentials)
            : new JsonWebTokenHandler().CreateToken("{}", key.Credentials, headers);
        return Encoding.ASCII.GetBytes(token[..token.IndexOf('.')]);
    }

    /// <summary>The signed token: <paramref name="header"/> from <see cref="HeaderSegment"/>, <paramref name="payload"/> the claims set's UTF-8 JSON.</summary>
    public static string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, SigningKey key)
    {
        var signingInputLength = header.Length + 1 + Base64Url.GetEncodedLength(payload.Length);
        var length = signingInputLength + 1 + Base64Url.GetEncodedLength(key.SignatureSize);
        var rented = ArrayPool<byte>.Shared.Rent(length + key.SignatureSize);
        try
        {
            var token = rented.AsSpan(0, length);
            header.CopyTo(token);
            token[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload, token[(header.Length + 1)..]);
            var signature = rented.AsSpan(length, key.SignatureSize);
            if (!key.Signer.Sign(token[..signingInputLength], signature, out var written) || written != key.SignatureSize)
                throw new CryptographicException($"signing with key {key.KeyId} failed");
            token[signingInputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature, token[(signingInputLength + 1)..]);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            // The buffer held a signed token, a bearer credential: cleared before it goes back to the pool.
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
