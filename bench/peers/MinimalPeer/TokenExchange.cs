using System.Security.Cryptography;
using Bench.Shared;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bench.Peers.Minimal;

/// <summary>RFC 8693 token exchange for one app (client_secret_post), one trusted issuer, an in-memory directory.</summary>
public sealed class TokenExchange
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private static readonly HashSet<string> SubjectTokenTypes = new(StringComparer.OrdinalIgnoreCase)
        { AccessTokenType, "urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:id_token" };

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };
    private readonly PeerArguments arguments;
    private readonly ClientSecret secret;
    private readonly TokenValidationParameters validation;
    private readonly SigningCredentials signing;
    private readonly UserDirectory users = new();

    public TokenExchange(PeerArguments arguments)
    {
        this.arguments = arguments;
        secret = new ClientSecret(arguments.ClientSecret);
        validation = new TokenValidationParameters
        {
            ValidIssuer = arguments.SubjectIssuer,
            ValidAudience = arguments.SubjectAudience,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = SubjectKeyFiles.LoadJwks(arguments.JwksPath),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        signing = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "peer-1" }, SecurityAlgorithms.EcdsaSha256);
    }

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return Error(400, "invalid_request", "form body expected");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != GrantType) return Error(400, "unsupported_grant_type", "only token exchange is supported");
        if (form["client_id"] != arguments.ClientId || !secret.Matches(form["client_secret"])) return Error(401, "invalid_client", "client authentication failed");
        string? subjectToken = form["subject_token"];
        if (string.IsNullOrEmpty(subjectToken) || !SubjectTokenTypes.Contains(form["subject_token_type"].ToString()))
            return Error(400, "invalid_request", "subject_token and a supported subject_token_type are required");

        var result = await handler.ValidateTokenAsync(subjectToken, validation);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken subject || string.IsNullOrEmpty(subject.Subject))
            return Error(400, "invalid_request", "subject_token is invalid");

        var userId = users.GetOrCreate(subject.Subject);
        var scope = form["scope"].ToString();
        var now = DateTime.UtcNow;
        var expires = now + arguments.TokenLifetime;
        if (subject.ValidTo < expires) expires = subject.ValidTo;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Aud] = arguments.TokenAudience,
            ["client_id"] = arguments.ClientId,
            [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
        };
        if (scope.Length > 0) claims["scope"] = scope;
        var accessToken = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = arguments.Issuer,
            IssuedAt = now,
            Expires = expires,
            TokenType = "at+jwt",
            SigningCredentials = signing,
            Claims = claims,
        });
        return Results.Json(new TokenResponse(accessToken, AccessTokenType, "Bearer", (long)(expires - now).TotalSeconds, scope.Length > 0 ? scope : null),
            PeerJson.Default.TokenResponse);
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new ErrorResponse(error, description), PeerJson.Default.ErrorResponse, statusCode: status);
}
