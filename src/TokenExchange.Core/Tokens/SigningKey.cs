using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>
/// A signing key of the cluster: ES256 (P-256, the default) or RS256 (RSA 3072), with its RFC 7638
/// thumbprint as key id.
/// </summary>
public sealed class SigningKey
{
    public const string Es256 = SecurityAlgorithms.EcdsaSha256;
    public const string Rs256 = SecurityAlgorithms.RsaSha256;

    /// <summary>The algorithms the cluster signs with.</summary>
    public static readonly string[] Algorithms = [Es256, Rs256];

    private SigningKey(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        Algorithm = Es256;
        PublicJwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        KeyId = Thumbprint(PublicJwk);
        SecurityKey = new ECDsaSecurityKey(ecdsa) { KeyId = KeyId };
        // r and s of 32 bytes each (RFC 7518 section 3.4).
        SignatureSize = 64;
        var provider = new KeySignatureProvider(SecurityKey, Algorithm);
        Signer = provider.Signer;
        Credentials = provider.Credentials();
    }

    private SigningKey(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        Algorithm = Rs256;
        PublicJwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.RSA,
            N = Base64UrlEncoder.Encode(parameters.Modulus),
            E = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        KeyId = Thumbprint(PublicJwk);
        SecurityKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
        SignatureSize = rsa.KeySize / 8;
        var provider = new KeySignatureProvider(SecurityKey, Algorithm);
        Signer = provider.Signer;
        Credentials = provider.Credentials();
    }

    public string KeyId { get; }
    public string Algorithm { get; }
    public AsymmetricSecurityKey SecurityKey { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The length in bytes of every signature this key makes.</summary>
    public int SignatureSize { get; }

    /// <summary>The provider <see cref="Credentials"/> sign through, for <see cref="CompactJws"/>.</summary>
    internal SignatureProvider Signer { get; }

    /// <summary>The public half, as published in JWKS.</summary>
    public JsonWebKey PublicJwk { get; }

    public static SigningKey Generate(string algorithm = Es256) => algorithm switch
    {
        Es256 => new SigningKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        Rs256 => new SigningKey(RSA.Create(3072)),
        _ => throw new ArgumentException($"signing algorithm '{algorithm}' is not supported (ES256, RS256)", nameof(algorithm)),
    };

    /// <summary>Reads a private JWK: EC P-256 (x, y, d) or RSA (n, e, d, p, q, dp, dq, qi).</summary>
    public static SigningKey FromPrivateJwk(string json)
    {
        var jwk = new JsonWebKey(json);
        if (string.IsNullOrEmpty(jwk.D)) throw new ArgumentException("a signing key must be a private JWK", nameof(json));
        byte[] Bytes(string value) => Base64UrlEncoder.DecodeBytes(value);
        if (jwk.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && jwk.Crv == JsonWebKeyECTypes.P256)
        {
            return new SigningKey(ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                D = Bytes(jwk.D),
                Q = new ECPoint { X = Bytes(jwk.X), Y = Bytes(jwk.Y) },
            }));
        }
        if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA)
        {
            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters
            {
                Modulus = Bytes(jwk.N),
                Exponent = Bytes(jwk.E),
                D = Bytes(jwk.D),
                P = Bytes(jwk.P),
                Q = Bytes(jwk.Q),
                DP = Bytes(jwk.DP),
                DQ = Bytes(jwk.DQ),
                InverseQ = Bytes(jwk.QI),
            });
            return new SigningKey(rsa);
        }
        throw new ArgumentException("a signing key must be a private P-256 EC or RSA JWK", nameof(json));
    }

    /// <summary>
    /// Reads a PEM private key (PKCS#8, or SEC1 / PKCS#1): EC P-256 signs ES256, RSA (2048 bits or more) RS256.
    /// Used for a dev issuer whose key a load generator also holds.
    /// </summary>
    public static SigningKey FromPem(string pem)
    {
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal)) throw new ArgumentException("not a PEM private key (PKCS#8 EC P-256 or RSA)");
        var ecdsa = ECDsa.Create();
        if (TryImport(ecdsa, pem))
        {
            if (ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                throw new ArgumentException("an EC key must be on curve P-256");
            return new SigningKey(ecdsa);
        }
        var rsa = RSA.Create();
        if (!TryImport(rsa, pem)) throw new ArgumentException("not a PEM private key (PKCS#8 EC P-256 or RSA)");
        if (rsa.KeySize < 2048) throw new ArgumentException("an RSA key must have at least 2048 bits");
        return new SigningKey(rsa);
    }

    private static bool TryImport(AsymmetricAlgorithm key, string pem)
    {
        try
        {
            key.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // Another algorithm's key, or no key at all.
            key.Dispose();
            return false;
        }
    }

    /// <summary>The private key as a JWK document, for the signing key grain's (encrypted) state.</summary>
    public string ToPrivateJwk()
    {
        var jwk = new Dictionary<string, string> { ["kid"] = KeyId, ["kty"] = PublicJwk.Kty };
        if (SecurityKey is ECDsaSecurityKey ec)
        {
            var p = ec.ECDsa.ExportParameters(includePrivateParameters: true);
            jwk["crv"] = JsonWebKeyECTypes.P256;
            jwk["x"] = Base64UrlEncoder.Encode(p.Q.X);
            jwk["y"] = Base64UrlEncoder.Encode(p.Q.Y);
            jwk["d"] = Base64UrlEncoder.Encode(p.D);
        }
        else
        {
            var p = ((RsaSecurityKey)SecurityKey).Rsa.ExportParameters(includePrivateParameters: true);
            jwk["n"] = Base64UrlEncoder.Encode(p.Modulus);
            jwk["e"] = Base64UrlEncoder.Encode(p.Exponent);
            jwk["d"] = Base64UrlEncoder.Encode(p.D);
            jwk["p"] = Base64UrlEncoder.Encode(p.P);
            jwk["q"] = Base64UrlEncoder.Encode(p.Q);
            jwk["dp"] = Base64UrlEncoder.Encode(p.DP);
            jwk["dq"] = Base64UrlEncoder.Encode(p.DQ);
            jwk["qi"] = Base64UrlEncoder.Encode(p.InverseQ);
        }
        return JsonSerializer.Serialize(jwk);
    }

    private string Thumbprint(JsonWebKey jwk)
    {
        var id = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        jwk.Kid = id;
        jwk.Use = JsonWebKeyUseNames.Sig;
        jwk.Alg = Algorithm;
        return id;
    }
}
