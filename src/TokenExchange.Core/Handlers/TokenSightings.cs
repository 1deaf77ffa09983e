using System.Numerics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// Which tokens a full verified-token cache has verified once lately, as 8 bytes each and no object: the doorkeeper
/// that keeps tokens presented only once out of the cache (<see cref="VerifiedTokenCache"/>). A fixed table of
/// fingerprints in buckets of <see cref="Ways"/>, the bucket chosen by one part of the token's hash and the
/// fingerprint taken from another part; a new sighting goes to the front of its bucket and pushes the bucket's oldest
/// out, so the table forgets old sightings and never grows.
/// </summary>
/// <remarks>
/// <para>A bucket of several, not one slot per bucket: with one, two new tokens that share a slot and are presented in
/// turn would each overwrite the other's sighting for as long as they alternate, and both would be verified in full
/// every time. Forgetting a token here needs <see cref="Ways"/> other new tokens in its bucket between two of its
/// sightings.</para>
/// <para>It only decides whether a token that has just verified in full is worth remembering, never whether a token
/// is valid: a wrong answer (another token with the same bucket and 63 bits of fingerprint, or two threads writing a
/// bucket at once) costs at most an entry remembered one sighting early or a signature check more. So it takes no lock.</para>
/// </remarks>
internal sealed class TokenSightings
{
    /// <summary>Sightings per bucket (32 bytes).</summary>
    internal const int Ways = 4;

    /// <summary>Fewest slots (8 KB), so that a small cache still remembers a second sighting among a burst of tokens.</summary>
    internal const int MinSlots = 1 << 10;

    /// <summary>Most slots (8 MB): past a million tokens between two sightings, a token is hardly one a gateway presents again.</summary>
    internal const int MaxSlots = 1 << 20;

    private readonly ulong[] slots;
    private readonly int bucketMask;

    /// <param name="tokens">How many sightings to hold (rounded up to a power of two within <see cref="MinSlots"/> and <see cref="MaxSlots"/>): the cache's size.</param>
    public TokenSightings(int tokens)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(tokens, MinSlots, MaxSlots));
        slots = new ulong[size];
        bucketMask = size / Ways - 1;
    }

    /// <summary>How many sightings the table holds.</summary>
    internal int Slots => slots.Length;

    /// <summary>Notes a sighting of the token; true when its bucket still held it from an earlier one.</summary>
    public bool SeenBefore(TokenHash token)
    {
        // The bucket from the first half of the hash, the fingerprint from the second (never 0, an empty slot).
        var bucket = slots.AsSpan(unchecked((int)(ulong)token.First & bucketMask) * Ways, Ways);
        var fingerprint = unchecked((ulong)token.Second) | 1;
        if (bucket.Contains(fingerprint)) return true;
        bucket[..^1].CopyTo(bucket[1..]);
        bucket[0] = fingerprint;
        return false;
    }
}
