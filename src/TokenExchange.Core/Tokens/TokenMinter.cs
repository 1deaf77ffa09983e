using System.Buffers.Text;
using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
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

    /// <summary>The header parameter IdentityModel adds after alg and kid: RFC 9068 section 2.1's typ.</summary>
    private static readonly FrozenDictionary<string, object> AccessTokenHeader =
        new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = AccessTokenJwtType }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The current key's two header segments, written again only when the key rotates.</summary>
    private KeyHeaders? headers;

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
        // Stryker disable once Equality : capping at an instant equal to the expiry changes nothing, so <= is the same rule.
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
        var payload = TokenPayloadWriter.Start(issuer.Value, now, expires);
        var json = payload.Json;
        json.WriteString(JwtRegisteredClaimNames.Sub, user.Id);
        if (exchange.Audiences.Length == 1)
        {
            json.WriteString(JwtRegisteredClaimNames.Aud, exchange.Audiences[0]);
        }
        else
        {
            json.WriteStartArray(JwtRegisteredClaimNames.Aud);
            foreach (var audience in exchange.Audiences) json.WriteStringValue(audience);
            json.WriteEndArray();
        }
        json.WriteString("client_id", exchange.App.ClientId);
        WriteTokenId(json);
        if (scope is not null) json.WriteString("scope", scope);
        if (act is not null) payload.WriteObject("act", act);
        if (sessionId is not null) json.WriteString("sid", sessionId);
        WriteConfirmation(json, exchange);
        return payload.Sign(HeadersOf(key).AccessToken, key);
    }

    /// <summary>
    /// The <c>cnf</c> claim: RFC 8705 section 3.1 (a certificate-bound token names the certificate) and RFC 9449
    /// section 6.1 (a DPoP-bound token names the key's thumbprint); resource servers compare each with the caller's.
    /// </summary>
    private static void WriteConfirmation(Utf8JsonWriter json, AuthorizedExchange exchange)
    {
        if (exchange.CertificateThumbprint is null && exchange.DpopThumbprint is null) return;
        json.WriteStartObject("cnf");
        if (exchange.CertificateThumbprint is { } certificate) json.WriteString(CertificateThumbprintMember, certificate);
        if (exchange.DpopThumbprint is { } key) json.WriteString(DpopThumbprintMember, key);
        json.WriteEndObject();
    }

    private string CreateIdToken(AuthorizedExchange exchange, UserRecord user, SigningKey key, DateTimeOffset now, DateTimeOffset expires)
    {
        var payload = TokenPayloadWriter.Start(issuer.Value, now, expires);
        var json = payload.Json;
        json.WriteString(JwtRegisteredClaimNames.Sub, user.Id);
        json.WriteString(JwtRegisteredClaimNames.Aud, exchange.App.ClientId);
        if (user.Username is { } username) json.WriteString("preferred_username", username);
        if (user.Email is { } email) json.WriteString(JwtRegisteredClaimNames.Email, email);
        if (user.DisplayName is { } name) json.WriteString(JwtRegisteredClaimNames.Name, name);
        return payload.Sign(HeadersOf(key).IdToken, key);
    }

    private KeyHeaders HeadersOf(SigningKey key)
    {
        var known = headers;
        if (known is not null && ReferenceEquals(known.Key, key)) return known;
        // typ of an ID token is IdentityModel's default, JWT. Two threads may both write them after a rotation: same bytes.
        known = new KeyHeaders(key, CompactJws.HeaderSegment(key, AccessTokenHeader), CompactJws.HeaderSegment(key, headers: null));
        headers = known;
        return known;
    }

    private sealed record KeyHeaders(SigningKey Key, byte[] AccessToken, byte[] IdToken);

    /// <summary>A new random jti (RFC 7519 section 4.1.7), written without a string of its own.</summary>
    private static void WriteTokenId(Utf8JsonWriter json)
    {
        Span<byte> id = stackalloc byte[TokenIdRandom.Length];
        TokenIdRandom.Fill(id);
        Span<byte> text = stackalloc byte[Base64Url.GetEncodedLength(TokenIdRandom.Length)];
        Base64Url.EncodeToUtf8(id, text);
        json.WriteString(JwtRegisteredClaimNames.Jti, text);
    }
}
