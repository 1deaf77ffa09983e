using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Tokens;

/// <summary>
/// Encrypts signing keys at rest with the key-encryption key (AES-256-GCM; the key id is bound as
/// associated data, so a ciphertext cannot be moved to another key's record). The key-encryption key
/// comes from configuration (a Kubernetes Secret in production); the embedded default generates one.
/// </summary>
public sealed class KeyProtector
{
    private const string Version = "v1:";
    private readonly byte[] key;

    private KeyProtector(byte[] key) => this.key = key;

    public static KeyProtector Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>From the base64 of 32 random bytes (e.g. <c>openssl rand -base64 32</c>).</summary>
    public static KeyProtector FromBase64(string value)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == 32
            ? new KeyProtector(bytes)
            : throw new ArgumentException("the key-encryption key must be the base64 of 32 random bytes (openssl rand -base64 32)");
    }

    /// <summary>
    /// A key for another purpose, derived from the key-encryption key with HKDF-SHA256 (RFC 5869; the purpose as its
    /// info), so every silo that holds the key-encryption key derives the same key and the two uses never share one.
    /// </summary>
    public byte[] DeriveKey(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    public string Protect(string keyId, string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + data.Length + AesGcm.TagByteSizes.MaxSize];
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(nonce.Length, data.Length), sealedBytes.AsSpan(nonce.Length + data.Length), Encoding.UTF8.GetBytes(keyId));
        return Version + Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="KeyEncryptionKeyMismatchException">Not encrypted with this key-encryption key, or altered.</exception>
    /// <exception cref="InvalidOperationException">Not in a known format.</exception>
    public string Unprotect(string keyId, string protectedValue)
    {
        if (!protectedValue.StartsWith(Version, StringComparison.Ordinal))
            throw new InvalidOperationException($"signing key {keyId} is not in a known encrypted format");
        var sealedBytes = Convert.FromBase64String(protectedValue[Version.Length..]);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plaintext = new byte[sealedBytes.Length - nonceSize - tagSize];
        try
        {
            using var aes = new AesGcm(key, tagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, nonceSize), sealedBytes.AsSpan(nonceSize, plaintext.Length), sealedBytes.AsSpan(nonceSize + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(keyId));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KeyEncryptionKeyMismatchException($"signing key {keyId} cannot be decrypted: is this the key-encryption key it was stored with?", e);
        }
        return Encoding.UTF8.GetString(plaintext);
    }
}
