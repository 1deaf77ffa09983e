using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Core.Handlers;

/// <summary>Keys fixed in configuration (an inline JWKS) or held in memory (the dev issuer).</summary>
public sealed class StaticKeySource(IReadOnlyList<SecurityKey> keys) : IKeySource
{
    public static StaticKeySource FromJwks(string jwksJson) => new(JwksParser.SigningKeys(jwksJson));

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) => ValueTask.FromResult(keys);
}
