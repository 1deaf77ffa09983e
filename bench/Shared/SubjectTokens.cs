using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bench.Shared;

/// <summary>Subject tokens as the benchmark's issuer mints them: ES256, iss, aud, sub, iat, exp.</summary>
public sealed class SubjectTokens(ECDsaSecurityKey key, string issuer, string audience)
{
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials credentials = new(key, SecurityAlgorithms.EcdsaSha256);

    public string Mint(string subject, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            Expires = now + lifetime,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject },
        });
    }
}
