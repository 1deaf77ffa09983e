using TokenExchange.Tokens;

namespace TokenExchange.Abstractions;

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

