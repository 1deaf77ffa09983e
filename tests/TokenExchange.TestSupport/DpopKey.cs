using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Testing;

/// <summary>
/// A client's DPoP key and the proofs it signs (RFC 9449 section 4.2), built with Microsoft.IdentityModel. Each
/// part of a proof can be changed, so a test can build exactly the proof a rule must refuse.
/// </summary>
public sealed class DpopKey
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public DpopKey(ECDsa? key = null) => Key = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa Key { get; }

    /// <summary>The public key as a JWK's members (no <c>d</c>).</summary>
    public Dictionary<string, object> PublicJwk
    {
        get
        {
            var p = Key.ExportParameters(false);
            return new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        }
    }

    /// <summary>RFC 7638 thumbprint, base64url: what <c>cnf.jkt</c> must be.</summary>
    public string Thumbprint => Base64UrlEncoder.Encode(new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(PublicJwk)).ComputeJwkThumbprint());

    /// <param name="htu">The URL the proof names.</param>
    /// <param name="issuedAt">Its <c>iat</c>; now when not given.</param>
    /// <param name="jti">Its <c>jti</c>; a new random one when not given.</param>
    /// <param name="claims">Changes to the payload: a null value removes a member.</param>
    /// <param name="headers">Changes to the header (<c>typ</c>, <c>jwk</c>): a null value removes a member.</param>
    public string Proof(string htu, DateTimeOffset? issuedAt = null, string? jti = null, string htm = "POST",
        IDictionary<string, object?>? claims = null, IDictionary<string, object?>? headers = null, SigningCredentials? signWith = null)
    {
        var payload = new Dictionary<string, object>
        {
            ["jti"] = jti ?? Guid.NewGuid().ToString(),
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        };
        Apply(payload, claims);
        var header = new Dictionary<string, object> { ["jwk"] = PublicJwk };
        Apply(header, headers);
        var typ = "dpop+jwt";
        if (headers is not null && headers.TryGetValue("typ", out var t))
        {
            typ = t as string ?? "";
            header.Remove("typ");
        }
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            TokenType = typ.Length == 0 ? null : typ,
            AdditionalHeaderClaims = header,
            SigningCredentials = signWith ?? new SigningCredentials(new ECDsaSecurityKey(Key), SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static void Apply(Dictionary<string, object> target, IDictionary<string, object?>? changes)
    {
        if (changes is null) return;
        foreach (var (name, value) in changes)
        {
            if (value is null) target.Remove(name);
            else target[name] = value;
        }
    }
}
