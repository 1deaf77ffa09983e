using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Core.Handlers;

public static class JwksParser
{
    /// <summary>
    /// The asymmetric signing keys of a JWKS document. Symmetric (<c>oct</c>) and encryption keys are
    /// dropped: an IdP's public key set never legitimately holds them, and accepting one would open the
    /// door to HMAC-with-public-key confusion (RFC 8725 section 2.1).
    /// </summary>
    public static IReadOnlyList<SecurityKey> SigningKeys(string jwksJson)
    {
        var set = new JsonWebKeySet(jwksJson) { SkipUnresolvedJsonWebKeys = true };
        return set.Keys
            .Where(k => k.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA)
            .Where(k => string.IsNullOrEmpty(k.Use) || k.Use == JsonWebKeyUseNames.Sig)
            .Select(k => (SecurityKey)k)
            .ToArray();
    }
}
