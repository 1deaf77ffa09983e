using System.Numerics;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// Which tokens a full verified-token cache has verified once lately, as 8 bytes each and no object: the doorkeeper
/// that keeps tokens presented only once out of the cache (<see cref="VerifiedTokenCache"/>). A fixed table of
/// fingerprints indexed by one part of the token's hash and holding another part of it; a token that lands on a slot
/// overwrites what was there, so it forgets an old sighting and never grows.
/// </summary>
/// <remarks>
/// It only decides whether a token that has just verified in full is worth remembering, never whether a token is
/// valid: a wrong answer (two tokens on one slot with the same 63 bits, or a torn race between two threads) costs at
/// most one entry remembered too early or one signature check more. So it takes no lock.
/// </remarks>
internal sealed class TokenSightings
{
    /// <summary>Fewest slots (8 KB), so that a small cache still remembers a second sighting among a burst of tokens.</summary>
    internal const int MinSlots = 1 << 10;

    /// <summary>Most slots (8 MB): past a million tokens between two sightings, a token is hardly one a gateway presents again.</summary>
    internal const int MaxSlots = 1 << 20;

    private readonly ulong[] slots;
    private readonly int mask;

    /// <param name="tokens">About how many tokens' sightings to hold: the cache's size, so a token seen again within as many others is remembered.</param>
    public TokenSightings(int tokens)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(tokens, MinSlots, MaxSlots));
        slots = new ulong[size];
        mask = size - 1;
    }

    /// <summary>Notes a sighting of the token; true when its slot still held it from an earlier one.</summary>
    public bool SeenBefore(TokenHash token)
    {
        // The slot from the first half of the hash, the fingerprint from the second (never 0, the empty slot).
        ref var slot = ref slots[(int)(ulong)token.First & mask];
        var fingerprint = (ulong)token.Second | 1;
        if (slot == fingerprint) return true;
        slot = fingerprint;
        return false;
    }
}
