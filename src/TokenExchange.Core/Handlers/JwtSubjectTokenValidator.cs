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

    public JwtSubjectTokenValidator(string issuer, IReadOnlyCollection<string> audiences, IReadOnlyCollection<string> algorithms, TimeSpan clockSkew, IKeySource keys, TimeProvider time,
        TimeSpan? maxTokenLifetime = null, IReadOnlyCollection<string>? authorizedParties = null)
    {
        this.algorithms = new HashSet<string>(algorithms, StringComparer.Ordinal);
        this.clockSkew = clockSkew;
        this.maxTokenLifetime = maxTokenLifetime ?? new Definitions.JwtTrust().MaxTokenLifetime;
        this.authorizedParties = new HashSet<string>(authorizedParties ?? [], StringComparer.Ordinal);
        this.keys = keys;
        this.time = time;
        parameters = new SubjectTokenParameters(issuer, [.. audiences], this.algorithms);
    }

    /// <param name="declaredType">The subject_token_type the client declared (a normalized RFC 8693 URN).</param>
    public async ValueTask<JwtValidationResult> ValidateAsync(string token, string declaredType, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        // FormatException: a segment that is not base64url (IdentityModel throws it raw from some shapes).
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or FormatException or System.Text.Json.JsonException)
        {
            return Fail(Errors.InvalidRequest("subject_token is not a well-formed JWT", "malformed JWT"));
        }
        if (jwt.IsEncrypted)
            return Fail(Errors.InvalidRequest("encrypted subject tokens are not accepted", "JWE subject token"));
        if (!algorithms.Contains(jwt.Alg))
            return Fail(Errors.InvalidRequest(SignatureFailure, $"algorithm '{Clip(jwt.Alg)}' is not allowed"));
        if (jwt.TryGetHeaderValue<object>("crit", out _))
            return Fail(Errors.InvalidRequest("subject_token has critical header parameters this handler does not understand", "crit header"));

        IReadOnlyList<SecurityKey> candidates;
        try
        {
            candidates = await keys.GetKeysAsync(string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (KeysUnavailableException e)
        {
            return Fail(Errors.TemporarilyUnavailable("the identity provider's keys cannot be reached", e.Message));
        }
        if (!string.IsNullOrEmpty(jwt.Kid) && !candidates.Any(k => k.KeyId == jwt.Kid))
            return Fail(Errors.InvalidRequest(SignatureFailure, $"unknown kid '{Clip(jwt.Kid)}'"));

        var result = await Handler.ValidateTokenAsync(jwt, parameters.For(candidates, tokenNamesItsKey: !string.IsNullOrEmpty(jwt.Kid))).ConfigureAwait(false);
        if (!result.IsValid) return Fail(Describe(result.Exception));

        var (expires, lifetimeError) = CheckLifetime(jwt);
        if (lifetimeError is not null) return Fail(lifetimeError);
        if (CheckAuthorizedParty(jwt) is { } partyError) return Fail(partyError);
        if (CheckType(jwt, declaredType) is { } typeError) return Fail(typeError);
        return string.IsNullOrEmpty(jwt.Subject)
            ? Fail(Errors.InvalidRequest("subject_token has no sub claim"))
            : new JwtValidationResult { Issuer = jwt.Issuer, Subject = jwt.Subject, Expires = expires, Token = jwt };
    }

    /// <summary>Times are compared in whole seconds, so an absurd NumericDate is refused rather than overflowing.</summary>
    private (DateTimeOffset Expires, OAuthError? Error) CheckLifetime(JsonWebToken jwt)
    {
        var (hasExp, exp) = NumericDate(jwt, JwtRegisteredClaimNames.Exp);
        if (!hasExp) return (default, Errors.InvalidRequest("subject_token has no exp claim"));
        var (hasNbf, nbf) = NumericDate(jwt, JwtRegisteredClaimNames.Nbf);
        var (hasIat, iat) = NumericDate(jwt, JwtRegisteredClaimNames.Iat);
        if (exp is null || (hasNbf && nbf is null) || (hasIat && iat is null))
            return (default, Errors.InvalidRequest("subject_token has an exp, nbf or iat that is not a time"));
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)clockSkew.TotalSeconds;
        var maxLifetime = (long)maxTokenLifetime.TotalSeconds;
        if (exp + skew <= now)
            return (default, Errors.InvalidRequest("subject_token has expired"));
        if (nbf - skew > now)
            return (default, Errors.InvalidRequest("subject_token is not valid yet"));
        if (iat - skew > now)
            return (default, Errors.InvalidRequest("subject_token was issued in the future"));
        // The lifetime the IdP gave the token, or without iat, what is left of it.
        if (iat is { } issued ? exp - issued > maxLifetime : exp - now > maxLifetime + skew)
            return (default, Errors.InvalidRequest("subject_token lifetime is longer than this handler accepts", $"exp {exp}, iat {iat?.ToString() ?? "none"}, max {maxTokenLifetime:c}"));
        return (DateTimeOffset.FromUnixTimeSeconds(exp.Value), null);
    }

    /// <summary>Whether the claim is present, and its value when it is an integral NumericDate in range (null when it is not).</summary>
    private static (bool Present, long? Value) NumericDate(JsonWebToken jwt, string claim)
    {
        if (!jwt.TryGetClaim(claim, out var c)) return (false, null);
        var integral = c.ValueType is ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64 or ClaimValueTypes.UInteger32 or ClaimValueTypes.UInteger64;
        return integral && long.TryParse(c.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= MaxNumericDate
            ? (true, value)
            : (true, null);
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

    /// <summary>
    /// Token type confusion: an ID token (it carries nonce, at_hash, c_hash or s_hash) is accepted only when
    /// declared as an ID token, and a token typed at+jwt (RFC 9068) is an access token, never an ID token.
    /// </summary>
    private static OAuthError? CheckType(JsonWebToken jwt, string declaredType)
    {
        var typ = jwt.Typ ?? "";
        var typedAccessToken = typ.Equals("at+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase);
        if (declaredType == TokenTypes.IdToken)
            return typedAccessToken ? Errors.InvalidRequest("subject_token is an access token (typ at+jwt), not an ID token", "at+jwt declared as id_token") : null;
        var marker = Array.Find(IdTokenClaims, name => jwt.TryGetClaim(name, out _));
        return marker is not null && !typedAccessToken
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

    private static JwtValidationResult Fail(OAuthError error) => JwtValidationResult.Invalid(error);

    /// <summary>Header and claim values come from the attacker: clip them, and make control characters visible, before they reach a log.</summary>
    private static string Clip(string? value)
    {
        if (value is null) return "";
        var clipped = value.Length <= 40 ? value : value[..40] + "…";
        return string.Concat(clipped.Select(c => char.IsControl(c) ? '?' : c));
    }
}
