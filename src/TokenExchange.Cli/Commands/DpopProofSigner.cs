using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Cli.Commands;

/// <summary>
/// <c>txctl exchange --dpop-key</c>: signs a DPoP proof (RFC 9449 section 4.2) with the client's private key from a
/// PEM file (EC P-256 for ES256, or RSA for PS256), its public key in the header, for one request to <c>htu</c>; with
/// the server's nonce where the server asked for one (RFC 9449 section 8).
/// </summary>
public static class DpopProofSigner
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Proof(string pemFile, string htu, TimeProvider? time = null, string? nonce = null)
    {
        var pem = File.ReadAllText(pemFile);
        var (key, jwk, algorithm) = Load(pem);
        var claims = new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["htm"] = "POST",
            ["htu"] = htu,
            ["iat"] = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds(),
        };
        if (nonce is not null) claims["nonce"] = nonce;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = jwk },
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static (SecurityKey Key, Dictionary<string, object> Jwk, string Algorithm) Load(string pem)
    {
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal) || IsRsa(pem))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            var p = rsa.ExportParameters(false);
            return (new RsaSecurityKey(rsa), new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) }, SecurityAlgorithms.RsaSsaPssSha256);
        }
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        var q = ec.ExportParameters(false);
        if (q.Curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256"))
            throw new ArgumentException("the DPoP key must be an EC P-256 or an RSA private key in PEM");
        return (new ECDsaSecurityKey(ec), new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(q.Q.X), ["y"] = Base64UrlEncoder.Encode(q.Q.Y) }, SecurityAlgorithms.EcdsaSha256);
    }

    private static bool IsRsa(string pem)
    {
        using var probe = RSA.Create();
        try
        {
            probe.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
