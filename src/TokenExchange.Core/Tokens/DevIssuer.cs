using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Tokens;

/// <summary>
/// A built-in identity provider for development, tests and load tests: it mints subject tokens for any
/// subject. Its key is the cluster's (from a grain), so every silo's dev issuer is the same issuer.
/// Enabled only in the embedded default or by explicit flag, since whoever reaches it can mint tokens
/// that handlers trusting it accept.
/// </summary>
public sealed class DevIssuer(ClusterIssuer cluster, TimeProvider time)
{
    public const string PathSegment = "/dev-issuer";

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private SigningKey? key;

    public SigningKey Key => Volatile.Read(ref key) ?? throw new InvalidOperationException("the dev issuer's key is not loaded yet");

    /// <summary>Sets the key, once, when the silo starts.</summary>
    public void UseKey(SigningKey signingKey) => Volatile.Write(ref key, signingKey);

    public string Issuer => cluster.Value + PathSegment;

    public string Jwks => JwksDocument.Write([Key.PublicJwk]);

    public string Mint(string subject, IReadOnlyList<string> audiences, TimeSpan lifetime, IReadOnlyDictionary<string, object>? claims = null)
    {
        var now = time.GetUtcNow();
        var payload = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in claims ?? new Dictionary<string, object>()) payload[name] = value;
        payload[JwtRegisteredClaimNames.Sub] = subject;
        payload[JwtRegisteredClaimNames.Aud] = audiences.Count == 1 ? audiences[0] : audiences.ToArray();
        payload[JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N");
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = Key.Credentials,
            Claims = payload,
        });
    }
}
