using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Testing;

/// <summary>
/// A client's key for <c>private_key_jwt</c> and the assertions it signs (RFC 7523 section 3), built with
/// Microsoft.IdentityModel. Each claim can be changed or removed, so a test builds exactly the assertion a rule must refuse.
/// </summary>
public sealed class AssertionKey
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <param name="key">The key to sign with (an IdP's published key); a new P-256 key when not given.</param>
    public AssertionKey(ECDsaSecurityKey? key = null) => Key = key ?? new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "client-" + Guid.NewGuid().ToString("N")[..8] };

    public ECDsaSecurityKey Key { get; }

    /// <summary>The public key as a JWKS document (what the app's <c>jwks:</c> or <c>jwksUri</c> holds).</summary>
    public string Jwks
    {
        get
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(Key);
            return JsonSerializer.Serialize(new { keys = new[] { new Dictionary<string, string> { ["kty"] = "EC", ["kid"] = jwk.Kid, ["use"] = "sig", ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y } } });
        }
    }

    /// <param name="clientId">The <c>iss</c> and <c>sub</c>.</param>
    /// <param name="audience">The <c>aud</c>.</param>
    /// <param name="issuedAt">Its <c>iat</c>; now when not given. <c>exp</c> is a minute after it unless <paramref name="lifetime"/> says otherwise.</param>
    /// <param name="claims">Changes to the payload: a null value removes a member.</param>
    public string Assertion(string clientId, string audience, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null,
        IDictionary<string, object?>? claims = null, SigningCredentials? signWith = null)
    {
        var at = issuedAt ?? DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = at.ToUnixTimeSeconds(),
            ["exp"] = (at + (lifetime ?? TimeSpan.FromMinutes(1))).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in claims ?? new Dictionary<string, object?>())
        {
            if (value is null) payload.Remove(name);
            else payload[name] = value;
        }
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = signWith ?? new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
