using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>An ES256 (P-256) signing key with its RFC 7638 thumbprint as key id.</summary>
public sealed class SigningKey
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private SigningKey(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        PublicJwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        KeyId = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
        PublicJwk.Kid = KeyId;
        PublicJwk.Use = JsonWebKeyUseNames.Sig;
        PublicJwk.Alg = Algorithm;
        SecurityKey = new ECDsaSecurityKey(ecdsa) { KeyId = KeyId };
        Credentials = new SigningCredentials(SecurityKey, Algorithm);
    }

    public string KeyId { get; }
    public ECDsaSecurityKey SecurityKey { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The public half, as published in JWKS.</summary>
    public JsonWebKey PublicJwk { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a private EC JWK (kty EC, crv P-256, x, y, d).</summary>
    public static SigningKey FromPrivateJwk(string json)
    {
        var jwk = new JsonWebKey(json);
        if (jwk.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || jwk.Crv != JsonWebKeyECTypes.P256 || string.IsNullOrEmpty(jwk.D))
            throw new ArgumentException("signing key must be a private P-256 EC JWK", nameof(json));
        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Base64UrlEncoder.DecodeBytes(jwk.D),
            Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
        });
        return new SigningKey(ecdsa);
    }

    /// <summary>The private key as a JWK document, for the signing key grain's state.</summary>
    public string ToPrivateJwk()
    {
        var parameters = SecurityKey.ECDsa.ExportParameters(includePrivateParameters: true);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            ["crv"] = JsonWebKeyECTypes.P256,
            ["kid"] = KeyId,
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
            ["d"] = Base64UrlEncoder.Encode(parameters.D),
        });
    }
}
