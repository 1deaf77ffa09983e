using System.Security.Cryptography;
using TokenExchange.Tokens;

namespace TokenExchange.Clients;

/// <summary>
/// Client secrets are stored as <c>sha256:BASE64</c>. A single SHA-256 (not a slow KDF) is right here:
/// secrets are high-entropy (enforced at configuration), so brute force is hopeless, and a slow hash
/// would put a deliberate CPU cost on every exchange.
/// </summary>
public static class ClientSecretHasher
{
    public const string Prefix = "sha256:";

    /// <summary>The shortest plaintext secret accepted from configuration.</summary>
    public const int MinimumSecretLength = 16;

    public static string Hash(string secret) => Prefix + Convert.ToBase64String(Digest(secret));

    /// <summary>A new secret: 32 random bytes, base64url (43 characters).</summary>
    public static string Generate() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>What may be shown of a secret once it is stored: its last four characters.</summary>
    public static string Hint(string secret) => secret.Length <= 8 ? "…" : "…" + secret[^4..];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time comparison of the presented secret against every stored hash.</summary>
    public static bool Verify(string presented, IReadOnlyList<string> storedHashes)
    {
        // On every exchange: the digest and the decoded stored hashes stay on the stack.
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Utf8Sha256.Hash(presented, digest);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        var match = false;
        for (var i = 0; i < storedHashes.Count; i++) // by index: foreach over the interface would box an enumerator
        {
            if (!TryDecode(storedHashes[i], stored)) continue;
            // No early exit: every stored hash is compared, whatever matched before.
            match |= CryptographicOperations.FixedTimeEquals(digest, stored);
        }
        return match;
    }

    public static bool IsWellFormedHash(string hash) => TryDecode(hash, stackalloc byte[SHA256.HashSizeInBytes]);

    private static byte[] Digest(string secret)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Utf8Sha256.Hash(secret, digest);
        return digest;
    }

    private static bool TryDecode(string hash, Span<byte> destination) =>
        hash.StartsWith(Prefix, StringComparison.Ordinal)
        && Convert.TryFromBase64Chars(hash.AsSpan(Prefix.Length), destination, out var written)
        && written == SHA256.HashSizeInBytes;
}
