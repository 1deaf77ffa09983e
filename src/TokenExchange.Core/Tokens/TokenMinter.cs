using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;

namespace TokenExchange.Tokens;

/// <summary>Issues the cluster's own tokens: RFC 9068 JWT access tokens and OpenID Connect ID tokens.</summary>
public sealed class TokenMinter(ISigningKeySource keys, ClusterIssuer issuer, TimeProvider time)
{
    public const string AccessTokenJwtType = "at+jwt";

    /// <summary>The member of the <c>cnf</c> claim that binds a token to a client certificate (RFC 8705 section 3.1).</summary>
    public const string CertificateThumbprintMember = "x5t#S256";

    /// <summary>The member of the <c>cnf</c> claim that binds a token to a DPoP key (RFC 9449 section 6.1).</summary>
    public const string DpopThumbprintMember = "jkt";

    /// <summary>The token_type of an access token bound to a DPoP key (RFC 9449 section 5); otherwise Bearer.</summary>
    public const string DpopTokenType = "DPoP";

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <param name="exchange">What the front door authorized.</param>
    /// <param name="user">The local user the tokens are for.</param>
    /// <param name="subjectExpires">The subject token's expiry; issued tokens never outlive it unless the app's policy says so.</param>
    /// <param name="act">The RFC 8693 act claim (JSON object text), when someone acts for the subject.</param>
    /// <param name="refreshToken">A refresh token issued with the access token, and when it expires.</param>
    /// <param name="sessionId">The subject session's id (<c>sid</c>), so introspection can tell whether the session was revoked.</param>
    /// <param name="notAfter">A limit no policy lifts: a refresh family's delegation expiry.</param>
    public IssuedTokens Mint(AuthorizedExchange exchange, UserRecord user, DateTimeOffset? subjectExpires, string? act = null, (string Token, DateTimeOffset ExpiresAt)? refreshToken = null,
        string? sessionId = null, DateTimeOffset? notAfter = null)
    {
        var now = time.GetUtcNow();
        var policy = exchange.App.AccessToken;
        var expires = now + policy.Lifetime;
        if (!policy.MayOutliveSubjectToken && subjectExpires is { } cap && cap < expires) expires = cap;
        if (notAfter is { } limit && limit < expires) expires = limit;
        var expiresIn = (long)Math.Max(0, Math.Floor((expires - now).TotalSeconds));
        var key = keys.Ring.Current;
        var scope = exchange.Scopes.Length > 0 ? string.Join(' ', exchange.Scopes) : null;
        var wantsIdToken = Array.IndexOf(exchange.Scopes, StandardScopes.OpenId) >= 0;

        var idToken = wantsIdToken ? CreateIdToken(exchange, user, key, now, expires) : null;
        if (exchange.RequestedTokenType == TokenTypes.RefreshToken && refreshToken is { } asked)
        {
            // RFC 8693: the requested token is "access_token" in the response, whatever its type.
            return new IssuedTokens
            {
                AccessToken = asked.Token,
                IssuedTokenType = TokenTypes.RefreshToken,
                TokenType = "N_A",
                ExpiresIn = (long)Math.Max(0, Math.Floor((asked.ExpiresAt - now).TotalSeconds)),
                Scope = scope,
            };
        }
        if (exchange.RequestedTokenType == TokenTypes.IdToken)
        {
            return new IssuedTokens
            {
                AccessToken = idToken!,
                IssuedTokenType = TokenTypes.IdToken,
                TokenType = "N_A",
                ExpiresIn = expiresIn,
                Scope = scope,
            };
        }

        return new IssuedTokens
        {
            AccessToken = CreateAccessToken(exchange, user, key, scope, act, sessionId, now, expires),
            IssuedTokenType = exchange.RequestedTokenType,
            TokenType = exchange.DpopThumbprint is null ? "Bearer" : DpopTokenType,
            ExpiresIn = expiresIn,
            Scope = scope,
            IdToken = idToken,
            RefreshToken = refreshToken?.Token,
        };
    }

    private string CreateAccessToken(AuthorizedExchange exchange, UserRecord user, SigningKey key, string? scope, string? act, string? sessionId, DateTimeOffset now, DateTimeOffset expires)
    {
        // Sized for every claim below, so that it is not regrown on every exchange.
        var claims = new Dictionary<string, object>(AccessTokenClaims, StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = user.Id,
            [JwtRegisteredClaimNames.Aud] = exchange.Audiences.Length == 1 ? exchange.Audiences[0] : exchange.Audiences,
            ["client_id"] = exchange.App.ClientId,
            [JwtRegisteredClaimNames.Jti] = NewTokenId(),
        };
        if (scope is not null) claims["scope"] = scope;
        if (act is not null) claims["act"] = JsonObjects.ToDictionary(act);
        if (sessionId is not null) claims["sid"] = sessionId;
        if (Confirmation(exchange) is { } cnf) claims["cnf"] = cnf;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Value,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = AccessTokenJwtType,
            SigningCredentials = key.Credentials,
            Claims = claims,
        });
    }

    /// <summary>
    /// The <c>cnf</c> claim: RFC 8705 section 3.1 (a certificate-bound token names the certificate) and RFC 9449
    /// section 6.1 (a DPoP-bound token names the key's thumbprint); resource servers compare each with the caller's.
    /// </summary>
    private static Dictionary<string, object>? Confirmation(AuthorizedExchange exchange)
    {
        if (exchange.CertificateThumbprint is null && exchange.DpopThumbprint is null) return null;
        var cnf = new Dictionary<string, object>(StringComparer.Ordinal);
        if (exchange.CertificateThumbprint is { } certificate) cnf[CertificateThumbprintMember] = certificate;
        if (exchange.DpopThumbprint is { } key) cnf[DpopThumbprintMember] = key;
        return cnf;
    }

    private string CreateIdToken(AuthorizedExchange exchange, UserRecord user, SigningKey key, DateTimeOffset now, DateTimeOffset expires)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = user.Id,
            [JwtRegisteredClaimNames.Aud] = exchange.App.ClientId,
        };
        if (user.Username is { } username) claims["preferred_username"] = username;
        if (user.Email is { } email) claims[JwtRegisteredClaimNames.Email] = email;
        if (user.DisplayName is { } name) claims[JwtRegisteredClaimNames.Name] = name;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Value,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = key.Credentials,
            Claims = claims,
        });
    }

    /// <summary>sub, aud, client_id, jti, scope, act, sid, cnf.</summary>
    private const int AccessTokenClaims = 8;

    private static string NewTokenId()
    {
        Span<byte> id = stackalloc byte[16];
        RandomNumberGenerator.Fill(id);
        return Base64Url.EncodeToString(id);
    }
}
