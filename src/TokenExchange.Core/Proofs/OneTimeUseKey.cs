using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TokenExchange.Proofs;

/// <summary>
/// A one-time identifier as the store keeps it: the SHA-256 of its purpose, the key it is scoped to and the
/// identifier itself, so a stored entry has a fixed size whatever a caller sent, and the partition that holds it.
/// </summary>
public readonly record struct OneTimeUseKey(string Hash, int Partition)
{
    /// <summary>How many partition grains share the cluster's one-time identifiers (docs/architecture.md, "One-time use").</summary>
    public const int Partitions = 64;

    /// <param name="purpose">What the identifier is for (<c>dpop</c>), so two kinds of proof never collide.</param>
    /// <param name="scope">Whose identifier it is: RFC 9449 makes a <c>jti</c> unique per key, so the key's thumbprint.</param>
    /// <param name="id">The identifier the caller chose.</param>
    public static OneTimeUseKey For(string purpose, string scope, string id)
    {
        // Lengths first, so ("a", "bc") and ("ab", "c") never hash alike.
        var text = $"{purpose.Length}:{purpose}{scope.Length}:{scope}{id.Length}:{id}";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var partition = (int)(BinaryPrimitives.ReadUInt32BigEndian(digest) % Partitions);
        return new OneTimeUseKey(Base64Url.EncodeToString(digest), partition);
    }
}
