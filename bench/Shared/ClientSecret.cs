using System.Security.Cryptography;
using System.Text;

namespace Bench.Shared;

/// <summary>One app's secret, kept as a SHA-256 and compared in constant time, as the cluster does.</summary>
public sealed class ClientSecret(string secret)
{
    private readonly byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
