using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Testing;

/// <summary>
/// A test identity provider: its own keys (generated per instance, never committed), its JWKS,
/// and tokens with whatever header and claims a test needs, good or deliberately broken.
/// </summary>
public sealed class TestIdp
{
    public const string DefaultAudience = "token-exchange";

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly List<SecurityKey> published = [];

    public TestIdp(string issuer = "https://idp.test.example")
    {
        Issuer = issuer;
        EcKey = NewEcKey();
        RsaKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-" + Guid.NewGuid().ToString("N")[..8] };
        published.Add(EcKey);
        published.Add(RsaKey);
    }

    public string Issuer { get; }

    /// <summary>The current ES256 key (published in JWKS).</summary>
    public ECDsaSecurityKey EcKey { get; private set; }

    public RsaSecurityKey RsaKey { get; }

    /// <summary>Publishes a new EC key and signs with it from now on (the old one stays published).</summary>
    public ECDsaSecurityKey Rotate()
    {
        EcKey = NewEcKey();
        published.Add(EcKey);
        return EcKey;
    }

    /// <summary>Stops publishing a key (the IdP retired it): its JWKS no longer holds it.</summary>
    public void Retire(SecurityKey key) => published.Remove(key);

    /// <summary>The public JWKS document of every published key.</summary>
    public string Jwks()
    {
        var keys = published.Select(k => k switch
        {
            ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
            RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(rsa),
            _ => throw new InvalidOperationException(),
        }).Select(PublicOnly);
        return JsonSerializer.Serialize(new { keys });
    }

    /// <summary>A token signed with the current EC key (or <paramref name="key"/>), valid for ten minutes unless told otherwise.</summary>
    public string Token(
        string subject = "alice-ext-1",
        string? audience = DefaultAudience,
        string? issuer = null,
        TimeSpan? expiresIn = null,
        DateTimeOffset? now = null,
        DateTimeOffset? notBefore = null,
        bool includeExpiry = true,
        IDictionary<string, object>? claims = null,
        IDictionary<string, object>? header = null,
        SecurityKey? key = null,
        string? algorithm = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString("N") };
        if (audience is not null) payload["aud"] = audience;
        var signingKey = key ?? EcKey;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            IssuedAt = at.UtcDateTime,
            NotBefore = notBefore?.UtcDateTime,
            Expires = includeExpiry ? (at + (expiresIn ?? TimeSpan.FromMinutes(10))).UtcDateTime : null,
            Claims = payload,
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(signingKey, algorithm ?? (signingKey is RsaSecurityKey ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256)),
        };
        return handler.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public string UnsignedToken(string subject = "alice-ext-1") =>
        Encode(new { alg = "none", typ = "JWT" }, Claims(subject)) + ".";

    /// <summary>An HS256 token keyed with the IdP's public key: the classic algorithm confusion attack.</summary>
    public string HmacWithPublicKeyToken(string subject = "alice-ext-1")
    {
        var publicKeyBytes = Encoding.UTF8.GetBytes(Jwks());
        var unsigned = Encode(new { alg = "HS256", typ = "JWT", kid = EcKey.KeyId }, Claims(subject));
        var signature = HMACSHA256.HashData(publicKeyBytes, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>A token whose signature bytes were altered after signing.</summary>
    public string TamperedToken(string subject = "alice-ext-1")
    {
        var token = Token(subject);
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[0] ^= 0xFF;
        return parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature);
    }

    private Dictionary<string, object> Claims(string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new() { ["iss"] = Issuer, ["sub"] = subject, ["aud"] = DefaultAudience, ["iat"] = now, ["exp"] = now + 600 };
    }

    private static string Encode(object header, object payload) =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));

    private static ECDsaSecurityKey NewEcKey() =>
        new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-" + Guid.NewGuid().ToString("N")[..8] };

    private static Dictionary<string, string> PublicOnly(JsonWebKey k)
    {
        var json = new Dictionary<string, string> { ["kty"] = k.Kty, ["kid"] = k.Kid, ["use"] = "sig" };
        if (k.Kty == "EC") { json["crv"] = k.Crv; json["x"] = k.X; json["y"] = k.Y; }
        else { json["n"] = k.N; json["e"] = k.E; }
        return json;
    }
}
