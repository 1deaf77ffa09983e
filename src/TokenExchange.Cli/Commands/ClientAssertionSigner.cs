using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Cli.Commands;

/// <summary>
/// <c>txctl exchange --client-assertion-key</c>: a <c>private_key_jwt</c> client assertion (RFC 7523 section 3) for one
/// request, signed with the app's private key from a PEM file (EC P-256 for ES256, or RSA for PS256): <c>iss</c> and
/// <c>sub</c> the client id, <c>aud</c> the URL it is sent to, a new <c>jti</c>, and a minute to live. No <c>kid</c>: the
/// cluster tries each of the app's keys.
/// </summary>
public static class ClientAssertionSigner
{
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Assertion(string pemFile, string clientId, string audience, TimeProvider? time = null)
    {
        var (key, _, algorithm) = DpopProofSigner.Load(File.ReadAllText(pemFile));
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["iss"] = clientId,
                ["sub"] = clientId,
                ["aud"] = audience,
                ["jti"] = Guid.NewGuid().ToString(),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = now.AddMinutes(1).ToUnixTimeSeconds(),
            },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }
}
