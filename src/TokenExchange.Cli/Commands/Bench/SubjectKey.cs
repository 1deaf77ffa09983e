using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// The private key the harness signs subject tokens with: a PEM file (PKCS#8; EC P-256 signs ES256, RSA
/// RS256). Its key id is the one given, else the RFC 7638 thumbprint, which is the kid the server's dev
/// issuer publishes for a key given to it by <c>--dev-issuer-key</c>.
/// </summary>
public sealed class SubjectKey
{
    private SubjectKey(AsymmetricSecurityKey key, string algorithm)
    {
        Key = key;
        Algorithm = algorithm;
    }

    public AsymmetricSecurityKey Key { get; }
    public string Algorithm { get; }
    public string KeyId => Key.KeyId;

    /// <exception cref="ArgumentException">The file holds no usable private key; the message says why.</exception>
    public static SubjectKey Load(string path, string? keyId)
    {
        var pem = File.ReadAllText(path);
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal)) throw new ArgumentException($"{path} holds no PEM private key");
        var ecdsa = ECDsa.Create();
        if (TryImport(ecdsa, pem))
        {
            if (ecdsa.KeySize != 256) throw new ArgumentException($"{path}: an EC key must be on curve P-256 (ES256)");
            return WithKeyId(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256, keyId);
        }
        var rsa = RSA.Create();
        if (!TryImport(rsa, pem)) throw new ArgumentException($"{path} holds neither an EC P-256 nor an RSA private key");
        if (rsa.KeySize < 2048) throw new ArgumentException($"{path}: an RSA key must have at least 2048 bits");
        return WithKeyId(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256, keyId);
    }

    /// <summary>A fresh key of the same kind and key id: what it signs fails signature verification.</summary>
    public SubjectKey Impostor() => Key switch
    {
        ECDsaSecurityKey => new SubjectKey(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = KeyId }, Algorithm),
        _ => new SubjectKey(new RsaSecurityKey(RSA.Create(2048)) { KeyId = KeyId }, Algorithm),
    };

    private static SubjectKey WithKeyId(AsymmetricSecurityKey key, string algorithm, string? keyId)
    {
        key.KeyId = keyId ?? Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromSecurityKey(key).ComputeJwkThumbprint());
        return new SubjectKey(key, algorithm);
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
            key.Dispose();
            return false;
        }
    }
}
