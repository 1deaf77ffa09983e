using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The built-in <c>jwt</c> handler's validation (RFC 8725): only the configured asymmetric algorithms,
/// keys only from the handler's trust settings (never <c>jku</c>, <c>x5u</c> or an embedded <c>jwk</c>),
/// signature before claims, then issuer, audience, authorized party, a required <c>exp</c> within a
/// bounded clock skew and a bounded lifetime, and the declared token type.
/// Every signature-class failure (bad signature, unknown kid, algorithm) gets the same client description,
/// so the endpoint is no oracle; the exact reason goes to the audit log.
/// </summary>
public sealed class JwtSubjectTokenValidator
{
    internal const string SignatureFailure = "subject_token signature could not be verified";

    /// <summary>The largest NumericDate DateTimeOffset can hold (9999-12-31T23:59:59Z).</summary>
    private const long MaxNumericDate = 253402300799;

    /// <summary>Claims only an ID token carries (OIDC Core 2, 3.3.2.11, and FAPI's s_hash).</summary>
    private static readonly string[] IdTokenClaims = ["nonce", "at_hash", "c_hash", "s_hash"];

    // Stryker disable once Boolean : inbound claim mapping renames the claims of the result's ClaimsIdentity, which is never read (claims come from the JsonWebToken).
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly HashSet<string> algorithms;
    private readonly TimeSpan clockSkew;
    private readonly TimeSpan maxTokenLifetime;
    private readonly HashSet<string> authorizedParties;
    private readonly IKeySource keys;
    private readonly TimeProvider time;
    private readonly SubjectTokenParameters parameters;
    private readonly VerifiedTokenCache? cache;
    private readonly SharedClaimStrings shared;

    /// <param name="cache">This handler's verified tokens; null: every token is verified in full.</param>
    public JwtSubjectTokenValidator(string issuer, IReadOnlyCollection<string> audiences, IReadOnlyCollection<string> algorithms, TimeSpan clockSkew, IKeySource keys, TimeProvider time,
        TimeSpan? maxTokenLifetime = null, IReadOnlyCollection<string>? authorizedParties = null, VerifiedTokenCache? cache = null)
    {
        this.algorithms = new HashSet<string>(algorithms, StringComparer.Ordinal);
        this.clockSkew = clockSkew;
        this.maxTokenLifetime = maxTokenLifetime ?? new Definitions.JwtTrust().MaxTokenLifetime;
        this.authorizedParties = new HashSet<string>(authorizedParties ?? [], StringComparer.Ordinal);
        this.keys = keys;
        this.time = time;
        parameters = new SubjectTokenParameters(issuer, [.. audiences], this.algorithms);
        this.cache = cache;
        shared = new SharedClaimStrings(issuer, audiences);
    }

    /// <param name="declaredType">The subject_token_type the client declared (a normalized RFC 8693 URN).</param>
    public async ValueTask<JwtValidationResult> ValidateAsync(string token, string declaredType, CancellationToken cancellationToken)
    {
        if (cache is null) return (await VerifyAsync(token, declaredType, cancellationToken).ConfigureAwait(false)).Result;
        var hash = TokenHash.Of(token);
        if (cache.Find(hash) is { } known)
        {
            // The key that verified it must still be one the uncached path would verify with (README "Verified-token cache").
            var (candidates, unavailable) = await KeysAsync(known.Kid, cancellationToken).ConfigureAwait(false);
            if (unavailable is not null) return Fail(unavailable);
            // A loop, not Any with a lambda: that captured `known`, a closure and a delegate on every hit (issue 15).
            if (Contains(candidates, known.Key))
            {
                cache.CountLookup(hit: true);
                return Recheck(hash, known, declaredType);
            }
            cache.Forget(hash, VerifiedTokenCache.KeyRemoved);
        }
        cache.CountLookup(hit: false);
        var (result, verified) = await VerifyAsync(token, declaredType, cancellationToken).ConfigureAwait(false);
        if (verified is not null) cache.Remember(hash, verified);
        return result;
    }

    /// <summary>
    /// A hit: what depends on the clock (the time claims) or on the request (the declared type) is checked again, as
    /// the uncached path checks it and with its errors; the signature, issuer, audience and authorized party are
    /// properties of the token and of this handler's trust settings, which the cache does not outlive.
    /// </summary>
    private JwtValidationResult Recheck(TokenHash hash, VerifiedToken known, string declaredType)
    {
        if (CheckTimes(known.Times) is { } timeError)
        {
            cache!.Forget(hash, VerifiedTokenCache.Expired);
            return Fail(timeError);
        }
        return CheckType(known.Kind, declaredType) is { } typeError ? Fail(typeError) : known.Result;
    }

    /// <summary>The whole check; a token that passes it comes back with what its cache entry would hold.</summary>
    private async ValueTask<(JwtValidationResult Result, VerifiedToken? Verified)> VerifyAsync(string token, string declaredType, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        // FormatException: a segment that is not base64url (IdentityModel throws it raw from some shapes).
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or FormatException or System.Text.Json.JsonException)
        {
            return Refused(Errors.InvalidRequest("subject_token is not a well-formed JWT", "malformed JWT"));
        }
        if (jwt.IsEncrypted)
            return Refused(Errors.InvalidRequest("encrypted subject tokens are not accepted", "JWE subject token"));
        if (!algorithms.Contains(jwt.Alg))
            return Refused(Errors.InvalidRequest(SignatureFailure, $"algorithm '{Clip(jwt.Alg)}' is not allowed"));
        if (jwt.TryGetHeaderValue<object>("crit", out _))
            return Refused(Errors.InvalidRequest("subject_token has critical header parameters this handler does not understand", "crit header"));

        var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        var (candidates, unavailable) = await KeysAsync(kid, cancellationToken).ConfigureAwait(false);
        if (unavailable is not null) return Refused(unavailable);
        if (kid is not null && !candidates.Any(k => k.KeyId == kid))
            return Refused(Errors.InvalidRequest(SignatureFailure, $"unknown kid '{Clip(kid)}'"));

        var result = await Handler.ValidateTokenAsync(jwt, parameters.For(candidates, tokenNamesItsKey: kid is not null)).ConfigureAwait(false);
        if (!result.IsValid) return Refused(Describe(result.Exception));

        var (times, timesError) = ReadTimes(jwt);
        if ((timesError ?? CheckTimes(times)) is { } lifetimeError) return Refused(lifetimeError);
        if (CheckAuthorizedParty(jwt) is { } partyError) return Refused(partyError);
        var kind = KindOf(jwt);
        if (CheckType(kind, declaredType) is { } typeError) return Refused(typeError);
        if (string.IsNullOrEmpty(jwt.Subject)) return Refused(Errors.InvalidRequest("subject_token has no sub claim"));

        // Kept with the cache entry: the strings every token of this handler repeats are held once.
        var claims = shared.Claims(jwt.Claims);
        var valid = new JwtValidationResult
        {
            Issuer = shared.Value(jwt.Issuer),
            Subject = jwt.Subject,
            Expires = DateTimeOffset.FromUnixTimeSeconds(times.Exp),
            Claims = claims,
            // OIDC: email_verified is a JSON boolean; the string "true" is not the IdP saying so.
            EmailVerified = jwt.TryGetPayloadValue<object>(RuleBasedUserMapping.StandardClaims.EmailVerified, out var verified) && verified is true,
        };
        // IdentityModel sets SigningKey to the key whose signature check succeeded.
        return (valid, jwt.SigningKey is { } key ? new VerifiedToken(valid, times, kind, SharedClaimStrings.KeyId(kid, key), key) : null);
    }

    private async ValueTask<(IReadOnlyList<SecurityKey> Keys, OAuthError? Error)> KeysAsync(string? kid, CancellationToken cancellationToken)
    {
        try
        {
            return (await keys.GetKeysAsync(kid, cancellationToken).ConfigureAwait(false), null);
        }
        catch (KeysUnavailableException e)
        {
            return ([], Errors.TemporarilyUnavailable("the identity provider's keys cannot be reached", e.Message));
        }
    }

    /// <summary>The time claims, each an integral NumericDate in range; an error when exp is missing or one is not a time.</summary>
    private static (TokenTimes Times, OAuthError? Error) ReadTimes(JsonWebToken jwt)
    {
        var (hasExp, exp) = NumericDate(jwt, JwtRegisteredClaimNames.Exp);
        if (!hasExp) return (default, Errors.InvalidRequest("subject_token has no exp claim"));
        var (hasNbf, nbf) = NumericDate(jwt, JwtRegisteredClaimNames.Nbf);
        var (hasIat, iat) = NumericDate(jwt, JwtRegisteredClaimNames.Iat);
        if (exp is null || (hasNbf && nbf is null) || (hasIat && iat is null))
            return (default, Errors.InvalidRequest("subject_token has an exp, nbf or iat that is not a time"));
        return (new TokenTimes(exp.Value, nbf, iat), null);
    }

    /// <summary>The time claims against this silo's clock. Times are compared in whole seconds, so an absurd NumericDate is refused rather than overflowing.</summary>
    private OAuthError? CheckTimes(TokenTimes times)
    {
        var (exp, nbf, iat) = times;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)clockSkew.TotalSeconds;
        var maxLifetime = (long)maxTokenLifetime.TotalSeconds;
        if (exp + skew <= now)
            return Errors.InvalidRequest("subject_token has expired");
        if (nbf - skew > now)
            return Errors.InvalidRequest("subject_token is not valid yet");
        if (iat - skew > now)
            return Errors.InvalidRequest("subject_token was issued in the future");
        // The lifetime the IdP gave the token, or without iat, what is left of it.
        if (iat is { } issued ? exp - issued > maxLifetime : exp - now > maxLifetime + skew)
            return Errors.InvalidRequest("subject_token lifetime is longer than this handler accepts", $"exp {exp}, iat {iat?.ToString() ?? "none"}, max {maxTokenLifetime:c}");
        return null;
    }

    /// <summary>Whether the claim is present, and its value when it is an integral NumericDate in range (null when it is not).</summary>
    /// <remarks>
    /// Read as the value IdentityModel parsed, not through <c>TryGetClaim</c>, which builds a <see cref="Claim"/>, an array
    /// and the number's text for each of the three times of every new token. IdentityModel reads exp, nbf and iat as
    /// 64-bit integers (a JSON string of digits too, a fraction cut off, anything else refused as unreadable), so a
    /// long is the one type of value a time can have; should another come, it is refused as not a time.
    /// </remarks>
    private static (bool Present, long? Value) NumericDate(JsonWebToken jwt, string claim)
    {
        if (!jwt.TryGetPayloadValue<object>(claim, out var raw)) return (false, null);
        return raw is long value and >= 0 and <= MaxNumericDate ? (true, value) : (true, null);
    }

    /// <summary>Confused deputy: with authorized parties configured, the token must have been issued to one of them.</summary>
    private OAuthError? CheckAuthorizedParty(JsonWebToken jwt)
    {
        if (authorizedParties.Count == 0) return null;
        var parties = new[] { "azp", "client_id" }
            .Select(name => jwt.TryGetClaim(name, out var claim) ? claim.Value : null)
            .Where(value => value is not null)
            .ToList();
        return parties.Count > 0 && parties.All(p => authorizedParties.Contains(p!))
            ? null
            : Errors.InvalidRequest("subject_token was not issued to an authorized party of this handler",
                parties.Count == 0 ? "no azp or client_id" : $"azp/client_id '{Clip(string.Join(",", parties))}'");
    }

    /// <summary>What the token says it is: typed at+jwt (RFC 9068) or txntoken+jwt (a transaction token), and the first ID-token-only claim it carries.</summary>
    private static TokenKind KindOf(JsonWebToken jwt)
    {
        var typ = jwt.Typ ?? "";
        var typedAccessToken = typ.Equals("at+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase);
        var transactionToken = typ.Equals("txntoken+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals("application/txntoken+jwt", StringComparison.OrdinalIgnoreCase);
        return new TokenKind(typedAccessToken, Array.Find(IdTokenClaims, name => jwt.TryGetClaim(name, out _)), transactionToken);
    }

    /// <summary>
    /// Token type confusion: an ID token (it carries nonce, at_hash, c_hash or s_hash) is accepted only when
    /// declared as an ID token, a token typed at+jwt (RFC 9068) is an access token, never an ID token, and a token
    /// typed txntoken+jwt is a transaction token, never anything a handler accepts.
    /// </summary>
    private static OAuthError? CheckType(TokenKind kind, string declaredType)
    {
        // A transaction token is no access token (draft-ietf-oauth-transaction-tokens-10): a handler that trusts the
        // cluster's own issuer must still never take one; the cluster alone replaces them.
        if (kind.TransactionToken)
            return Errors.InvalidRequest("subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced", "txntoken+jwt presented to a handler");
        if (declaredType == TokenTypes.IdToken)
            return kind.TypedAccessToken ? Errors.InvalidRequest("subject_token is an access token (typ at+jwt), not an ID token", "at+jwt declared as id_token") : null;
        return kind.IdTokenMarker is { } marker && !kind.TypedAccessToken
            ? Errors.InvalidRequest("subject_token is an ID token: declare subject_token_type id_token, where the handler accepts one", $"ID token claim {marker} declared as {declaredType}")
            : null;
    }

    private static OAuthError Describe(Exception? e) => e switch
    {
        SecurityTokenInvalidIssuerException => Errors.InvalidRequest("subject_token issuer is not trusted by this handler", "issuer mismatch"),
        SecurityTokenInvalidAudienceException => Errors.InvalidRequest("subject_token audience is not accepted by this handler", "audience mismatch"),
        SecurityTokenSignatureKeyNotFoundException => Errors.InvalidRequest(SignatureFailure, "no key matched"),
        SecurityTokenInvalidAlgorithmException => Errors.InvalidRequest(SignatureFailure, "algorithm rejected"),
        SecurityTokenInvalidSignatureException => Errors.InvalidRequest(SignatureFailure, "signature invalid"),
        _ => Errors.InvalidRequest("subject_token is invalid", e?.GetType().Name ?? "validation failed"),
    };

    private static bool Contains(IReadOnlyList<SecurityKey> keys, SecurityKey key)
    {
        for (var i = 0; i < keys.Count; i++) // by index: foreach over the interface would box an enumerator
            if (ReferenceEquals(keys[i], key)) return true;
        return false;
    }

    private static JwtValidationResult Fail(OAuthError error) => JwtValidationResult.Invalid(error);

    private static (JwtValidationResult, VerifiedToken?) Refused(OAuthError error) => (Fail(error), null);

    /// <summary>The time claims of a token whose claims were read: exp, and nbf and iat where present.</summary>
    internal readonly record struct TokenTimes(long Exp, long? Nbf, long? Iat);

    /// <summary>What a token says it is (<see cref="KindOf"/>), for the declared-type check.</summary>
    internal readonly record struct TokenKind(bool TypedAccessToken, string? IdTokenMarker, bool TransactionToken = false);

    /// <summary>Header and claim values come from the attacker: clip them, and make control characters visible, before they reach a log.</summary>
    private static string Clip(string? value)
    {
        if (value is null) return "";
        var clipped = value.Length <= 40 ? value : value[..40] + "…";
        return string.Concat(clipped.Select(c => char.IsControl(c) ? '?' : c));
    }
}
