using System.Security.Cryptography;
using Bench.Shared;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bench.CryptoFloor;

/// <summary>
/// The cryptography an exchange cannot avoid, done as the server does it (JwtSubjectTokenValidator,
/// TokenMinter, SigningKey): validate one ES256 subject token with the IdP's P-256 key, sign one ES256
/// access token with the cluster's P-256 key, with the same library, parameters and claims.
/// </summary>
public sealed class EcdsaJwtWork
{
    private const string Issuer = "https://idp.bench.example";
    private const string Audience = "token-exchange";

    private static readonly JsonWebTokenHandler Validator = new() { MapInboundClaims = false };
    private readonly JsonWebTokenHandler minter = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly string subjectToken;
    private readonly TokenValidationParameters parameters;
    private readonly SigningCredentials signing;

    public EcdsaJwtWork()
    {
        var idpKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "idp-1" };
        subjectToken = new SubjectTokens(idpKey, Issuer, Audience).Mint("bench-subject-1", TimeSpan.FromHours(1));
        var publicKey = new ECDsaSecurityKey(ECDsa.Create(idpKey.ECDsa.ExportParameters(includePrivateParameters: false))) { KeyId = idpKey.KeyId };
        parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudiences = [Audience],
            ValidateAudience = true,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = [publicKey],
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        };
        signing = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "cluster-1" }, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>Validates the subject token; returns its subject.</summary>
    public string Validate()
    {
        var jwt = new JsonWebToken(subjectToken);
        var result = Validator.ValidateTokenAsync(jwt, parameters).GetAwaiter().GetResult();
        if (!result.IsValid) throw new InvalidOperationException("the floor's own subject token did not validate", result.Exception);
        return jwt.Subject;
    }

    /// <summary>Signs one access token with the claims TokenMinter puts in one.</summary>
    public string Sign(string userId)
    {
        var now = DateTime.UtcNow;
        return minter.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://127.0.0.1:8080",
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = userId,
                [JwtRegisteredClaimNames.Aud] = "https://orders.example",
                ["client_id"] = "bench-app",
                [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                ["scope"] = "api",
            },
        });
    }

    public string Pair() => Sign(Validate());
}
