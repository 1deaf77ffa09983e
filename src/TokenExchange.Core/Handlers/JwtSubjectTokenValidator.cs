using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;

namespace TokenExchange.Handlers;

/// <summary>
/// The built-in <c>jwt</c> handler's validation (RFC 8725): only the configured asymmetric algorithms,
/// keys only from the handler's trust settings (never <c>jku</c>, <c>x5u</c> or an embedded <c>jwk</c>),
/// signature before claims, then issuer, audience, and a required <c>exp</c> within a bounded clock skew.
/// Every signature-class failure (bad signature, unknown kid, algorithm) gets the same client description,
/// so the endpoint is no oracle; the exact reason goes to the audit log.
/// </summary>
public sealed class JwtSubjectTokenValidator
{
    internal const string SignatureFailure = "subject_token signature could not be verified";

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly string issuer;
    private readonly string[] audiences;
    private readonly HashSet<string> algorithms;
    private readonly TimeSpan clockSkew;
    private readonly IKeySource keys;
    private readonly TimeProvider time;

    public JwtSubjectTokenValidator(string issuer, IReadOnlyCollection<string> audiences, IReadOnlyCollection<string> algorithms, TimeSpan clockSkew, IKeySource keys, TimeProvider time)
    {
        this.issuer = issuer;
        this.audiences = [.. audiences];
        this.algorithms = new HashSet<string>(algorithms, StringComparer.Ordinal);
        this.clockSkew = clockSkew;
        this.keys = keys;
        this.time = time;
    }

    public async ValueTask<SubjectValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
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

        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudiences = audiences,
            ValidateAudience = true,
            ValidAlgorithms = algorithms,
            IssuerSigningKeys = candidates,
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(jwt.Kid),
            RequireSignedTokens = true,
            // Lifetime is checked below against the injected clock, after the signature.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        }).ConfigureAwait(false);
        if (!result.IsValid) return Fail(Describe(result.Exception));

        return CheckLifetime(jwt) is { } lifetimeError
            ? Fail(lifetimeError)
            : string.IsNullOrEmpty(jwt.Subject)
                ? Fail(Errors.InvalidRequest("subject_token has no sub claim"))
                : new SubjectValidation { Issuer = jwt.Issuer, Subject = jwt.Subject, Expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), Token = jwt };
    }

    private OAuthError? CheckLifetime(JsonWebToken jwt)
    {
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
            return Errors.InvalidRequest("subject_token has no exp claim");
        var now = time.GetUtcNow();
        if (DateTimeOffset.FromUnixTimeSeconds(exp) + clockSkew <= now)
            return Errors.InvalidRequest("subject_token has expired");
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - clockSkew > now)
            return Errors.InvalidRequest("subject_token is not valid yet");
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat) && DateTimeOffset.FromUnixTimeSeconds(iat) - clockSkew > now)
            return Errors.InvalidRequest("subject_token was issued in the future");
        return null;
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

    private static SubjectValidation Fail(OAuthError error) => SubjectValidation.Invalid(error);

    /// <summary>Header values come from the attacker: clip them before they reach a log.</summary>
    private static string Clip(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}
