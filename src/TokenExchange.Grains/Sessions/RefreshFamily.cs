using TokenExchange.Sessions;

namespace TokenExchange.Grains.Sessions;

/// <summary>
/// One chain of refresh tokens (RFC 9700 section 4.14.2): each use rotates it; a spent token presented
/// again means it leaked, and the whole family is revoked. Tokens are kept as SHA-256 hashes only. Rotation
/// never carries the family past its absolute lifetime from <see cref="StartedAt"/>, nor past its grant's
/// NotAfter (a delegated exchange's subject and actor token expiry).
/// </summary>
[GenerateSerializer, Alias("tx.RefreshFamily")]
public sealed class RefreshFamily
{
    [Id(0)] public required string Id { get; set; }
    [Id(1)] public required RefreshGrant Grant { get; set; }
    [Id(2)] public required string CurrentHash { get; set; }
    [Id(3)] public DateTimeOffset CurrentExpiresAt { get; set; }
    [Id(4)] public HashSet<string> SpentHashes { get; set; } = [];
    [Id(5)] public bool Revoked { get; set; }

    /// <summary>When the exchange that started the family happened; null only in state stored before it was recorded.</summary>
    [Id(6)] public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The request (an id the issuing silo chose) that got the current token: a repeat of it is answered again, not refused.</summary>
    [Id(7)] public string? IssuedFor { get; set; }

    /// <summary>The hash of the token that request spent to get the current one; null when the request started the family.</summary>
    [Id(8)] public string? IssuedFrom { get; set; }

    /// <summary>The values <see cref="RefreshRedemption"/> decides on.</summary>
    public RefreshFamilyView View() => new(Revoked, CurrentHash, CurrentExpiresAt, SpentHashes, StartedAt, IssuedFor, IssuedFrom, Grant);
}
