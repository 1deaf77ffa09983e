using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Bench.Shared;

/// <summary>
/// The benchmark's subject-token issuer key: a P-256 key pair written as a PKCS#8 PEM (for the load
/// generator, which signs subject tokens) and as a JWKS (for the servers, which validate them).
/// </summary>
public static class SubjectKeyFiles
{
    /// <summary>Generates a key pair; writes <paramref name="pemPath"/> and <paramref name="jwksPath"/>; returns the key id.</summary>
    public static string Generate(string pemPath, string jwksPath)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(pemPath, ecdsa.ExportPkcs8PrivateKeyPem());
        var jwk = PublicJwk(ecdsa);
        File.WriteAllText(jwksPath, JsonSerializer.Serialize(new { keys = new[] { jwk } }));
        return jwk["kid"];
    }

    /// <summary>The signing key from a PEM file, with the key id its JWKS publishes.</summary>
    public static ECDsaSecurityKey LoadPrivate(string pemPath)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(pemPath));
        return new ECDsaSecurityKey(ecdsa) { KeyId = PublicJwk(ecdsa)["kid"] };
    }

    /// <summary>The public keys of a JWKS file.</summary>
    public static IList<SecurityKey> LoadJwks(string jwksPath) => new JsonWebKeySet(File.ReadAllText(jwksPath)).GetSigningKeys();

    /// <summary>The public JWK (kty, crv, x, y, kid as RFC 7638 thumbprint, use, alg) as a flat map.</summary>
    public static Dictionary<string, string> PublicJwk(ECDsa ecdsa)
    {
        var q = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        var jwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(q.X),
            Y = Base64UrlEncoder.Encode(q.Y),
        };
        return new Dictionary<string, string>
        {
            ["kty"] = jwk.Kty,
            ["crv"] = jwk.Crv,
            ["x"] = jwk.X,
            ["y"] = jwk.Y,
            ["kid"] = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()),
            ["use"] = "sig",
            ["alg"] = SecurityAlgorithms.EcdsaSha256,
        };
    }
}
