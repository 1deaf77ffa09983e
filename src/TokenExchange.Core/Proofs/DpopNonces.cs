using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Proofs;

/// <summary>
/// Server-provided DPoP nonces (RFC 9449 section 8) that any silo checks without state: a nonce is the time
/// window it was issued in and an HMAC-SHA256 (truncated to 128 bits) over that window and the app's client id,
/// keyed with a key derived from the cluster's key-encryption key (<see cref="Tokens.KeyProtector.DeriveKey"/>),
/// which every silo of a cluster holds already (it decrypts the signing keys). A nonce is good in the window it
/// was issued in and the next one (so for <see cref="Window"/> to twice that), and one window early (a silo whose
/// clock runs a little ahead issued it); it names one app, so another app's nonce is refused.
/// docs/architecture.md, "DPoP nonces", says why this and not a nonce store.
/// </summary>
public sealed class DpopNonces(byte[] key, TimeProvider time)
{
    /// <summary>The purpose the nonce key is derived from the key-encryption key for (HKDF info).</summary>
    public const string KeyPurpose = "tokenexchange/dpop-nonce/v1";

    /// <summary>Tests register a <see cref="TimeProvider"/> under this key to move the nonces' time alone.</summary>
    public const string ClockKey = "dpop-nonces";

    /// <summary>How long one window lasts: a nonce is good for at least this long, at most twice this.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const int WindowBytes = 8;
    private const int TagBytes = 16;

    /// <summary>The length of every nonce this issues: base64url of 24 bytes, characters RFC 9449 section 8.1 allows.</summary>
    public const int Length = (WindowBytes + TagBytes) / 3 * 4;

    private readonly byte[] key = key.Length >= 32 ? key : throw new ArgumentException("a DPoP nonce key has at least 256 bits", nameof(key));

    /// <summary>The nonce of the current window for the app.</summary>
    public string Current(string clientId) => Issue(clientId, CurrentWindow());

    /// <summary>What a proof's <c>nonce</c> claim is worth for the app (null: the proof has none).</summary>
    public DpopNonceCheck Check(string clientId, string? nonce)
    {
        if (string.IsNullOrEmpty(nonce)) return DpopNonceCheck.Missing;
        Span<byte> bytes = stackalloc byte[WindowBytes + TagBytes];
        // DecodeFromChars reports bad input as a status (TryDecodeFromChars throws on it); whitespace it skips leaves bytes short.
        if (nonce.Length != Length || Base64Url.DecodeFromChars(nonce, bytes, out _, out var written) != OperationStatus.Done || written != bytes.Length)
            return DpopNonceCheck.Invalid;
        var window = BinaryPrimitives.ReadInt64BigEndian(bytes);
        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(clientId, window, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[WindowBytes..])) return DpopNonceCheck.Invalid;
        var current = CurrentWindow();
        if (window < current - 1) return DpopNonceCheck.Stale;
        if (window > current + 1) return DpopNonceCheck.Invalid;
        return window < current ? DpopNonceCheck.Rolling : DpopNonceCheck.Valid;
    }

    private long CurrentWindow() => time.GetUtcNow().ToUnixTimeSeconds() / (long)Window.TotalSeconds;

    private string Issue(string clientId, long window)
    {
        Span<byte> bytes = stackalloc byte[WindowBytes + TagBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, window);
        Tag(clientId, window, bytes[WindowBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The HMAC over the window and the client id (the window first: fixed length, so no two inputs read alike).</summary>
    private void Tag(string clientId, long window, Span<byte> destination)
    {
        var input = new byte[WindowBytes + Encoding.UTF8.GetByteCount(clientId)];
        BinaryPrimitives.WriteInt64BigEndian(input, window);
        Encoding.UTF8.GetBytes(clientId, input.AsSpan(WindowBytes));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, input, mac);
        mac[..TagBytes].CopyTo(destination);
    }
}

/// <summary>What a proof's nonce is worth (<see cref="DpopNonces.Check"/>).</summary>
public enum DpopNonceCheck
{
    /// <summary>Issued for this app in the current window (or the next: a silo's clock ahead).</summary>
    Valid = 0,

    /// <summary>Issued for this app in the previous window: still good, and the answer carries the current one.</summary>
    Rolling = 1,

    /// <summary>The proof has no nonce.</summary>
    Missing = 2,

    /// <summary>Issued for this app, but more than a window ago.</summary>
    Stale = 3,

    /// <summary>Not a nonce this cluster issued for this app.</summary>
    Invalid = 4,
}
