namespace TokenExchange.Grains;

/// <summary>
/// One opaque access token, keyed by its SHA-256 (<c>at/HEX</c>). It holds the claims the token stands for
/// (never a token that could be presented), for introspection, and whether it was revoked.
/// </summary>
[Alias("tx.IOpaqueAccessTokenGrain")]
public interface IOpaqueAccessTokenGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<OpaqueAccessToken?> Get();
    [Alias("Set")] Task Set(OpaqueAccessToken token);
    [Alias("Revoke")] Task Revoke();
}

[GenerateSerializer, Immutable, Alias("tx.OpaqueAccessToken")]
public sealed record OpaqueAccessToken(
    [property: Id(0)] string ClaimsJson,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string UserId,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] bool Revoked = false,
    [property: Id(6)] string? SessionKey = null);
