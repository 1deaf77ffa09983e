using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;

namespace TokenExchange.Proofs;

/// <summary>
/// Checks a DPoP proof on a token request (RFC 9449 section 4.3) and answers the thumbprint of its key
/// (RFC 7638), which the issued access token is bound to (<c>cnf.jkt</c>). Every check of section 4.3: one JWT
/// of <c>typ</c> <c>dpop+jwt</c>, an asymmetric algorithm, a public <c>jwk</c> in its header (no private part)
/// that verifies its signature, <c>htm</c> and <c>htu</c> naming this request, an <c>iat</c> within
/// <see cref="MaxAge"/> (and not ahead by more than <see cref="MaxClockSkew"/>), and a <c>jti</c> not seen in the
/// cluster within that window (<see cref="IOneTimeUseStore"/>). The signature is checked by Microsoft.IdentityModel.
/// Every refusal is invalid_dpop_proof (RFC 9449 section 5) with a description naming the failed check.
/// </summary>
public sealed class DpopProofValidator(IOneTimeUseStore replays, TimeProvider time, TokenExchangeMetrics? metrics = null)
{
    public const string ProofType = "dpop+jwt";

    /// <summary>The purpose a proof's jti is recorded under in the one-time store.</summary>
    public const string Purpose = "dpop";

    /// <summary>Longest proof read: a proof with an RSA-4096 key is under 2 KB.</summary>
    public const int MaxProofLength = 8 * 1024;

    /// <summary>Longest <c>jti</c> accepted (RFC 9449 asks for at least 96 bits of randomness; a UUID is 36 characters).</summary>
    public const int MaxJtiLength = 256;

    /// <summary>How old a proof may be (its <c>iat</c>); its jti is remembered this long.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>How far ahead of this silo's clock a proof's <c>iat</c> may be.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The asymmetric algorithms accepted (RFC 9449 section 4.2: never <c>none</c> nor a MAC), as listed in
    /// discovery's <c>dpop_signing_alg_values_supported</c>.
    /// </summary>
    public static readonly string[] Algorithms =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    private static readonly JsonWebTokenHandler Tokens = new();

    /// <summary>The proof's key thumbprint (base64url, RFC 7638), or the refusal; counted by outcome (tokenexchange.dpop.proofs).</summary>
    public async ValueTask<(string? Thumbprint, OAuthError? Error)> ValidateAsync(DpopPresentation presentation, CancellationToken cancellationToken)
    {
        var (thumbprint, error) = await CheckAsync(presentation, cancellationToken).ConfigureAwait(false);
        metrics?.DpopProof(error switch
        {
            null => "bound",
            { Code: OAuthErrorCodes.TemporarilyUnavailable } => "unavailable",
            { Description: Replayed } => "replayed",
            _ => "invalid",
        });
        return (thumbprint, error);
    }

    private const string Replayed = "the DPoP proof was used before (jti)";

    private async ValueTask<(string? Thumbprint, OAuthError? Error)> CheckAsync(DpopPresentation presentation, CancellationToken cancellationToken)
    {
        var proof = presentation.Proof;
        if (proof.Length > MaxProofLength) return Refuse("the DPoP proof is too long", $"{proof.Length} characters");
        if (Read(proof) is not { } jwt) return Refuse("the DPoP proof is not a JWT");
        if (!string.Equals(jwt.Typ, ProofType, StringComparison.OrdinalIgnoreCase)) return Refuse("the DPoP proof's typ must be dpop+jwt");
        if (!Algorithms.Contains(jwt.Alg, StringComparer.Ordinal)) return Refuse("the DPoP proof's alg must be an asymmetric algorithm", $"alg {jwt.Alg}");
        if (PublicKey(jwt) is not { } key) return Refuse("the DPoP proof's header must carry the public jwk that signed it, without private parts");

        var result = await Tokens.ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = Algorithms,
            ValidateIssuer = false,
            ValidateAudience = false,
            // A proof's freshness is its iat, checked below against this silo's TimeProvider; an exp it may carry decides nothing.
            ValidateLifetime = false,
            // typ is checked above, as RFC 9449 wants it: a media type, compared without case.
            TypeValidator = (type, _, _) => type,
        }).ConfigureAwait(false);
        if (!result.IsValid) return Refuse("the DPoP proof's signature does not verify with its jwk", result.Exception?.GetType().Name);

        if (!jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti) || jti.Length > MaxJtiLength)
            return Refuse("the DPoP proof needs a jti of at most 256 characters");
        if (!jwt.TryGetPayloadValue<string>("htm", out var htm) || !string.Equals(htm, presentation.Method, StringComparison.Ordinal))
            return Refuse("the DPoP proof's htm does not name this request's method");
        if (!jwt.TryGetPayloadValue<string>("htu", out var htu) || !DpopUris.Matches(htu, presentation.Urls))
            return Refuse("the DPoP proof's htu does not name this endpoint");
        if (!jwt.TryGetPayloadValue<long>("iat", out var iatSeconds)) return Refuse("the DPoP proof needs an iat");
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iatSeconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var now = time.GetUtcNow();
        if (issuedAt > now + MaxClockSkew) return Refuse("the DPoP proof's iat is in the future", $"{(issuedAt - now).TotalSeconds:0} s ahead");
        if (issuedAt < now - MaxAge) return Refuse("the DPoP proof is too old (iat)", $"{(now - issuedAt).TotalSeconds:0} s old");

        var thumbprint = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return await replays.UseAsync(OneTimeUseKey.For(Purpose, thumbprint, jti), issuedAt + MaxAge, cancellationToken).ConfigureAwait(false) switch
        {
            OneTimeUse.First => (thumbprint, null),
            OneTimeUse.Replayed => Refuse(Replayed, "replayed jti"),
            _ => (null, Errors.TemporarilyUnavailable("DPoP proofs cannot be checked for replay now; try again", "one-time store partition full")),
        };
    }

    /// <summary>The proof as a JWT, or null: a registered claim of the wrong JSON type (an <c>iat</c> that is a string) fails parsing.</summary>
    private static JsonWebToken? Read(string proof)
    {
        if (!Tokens.CanReadToken(proof)) return null;
        try
        {
            return new JsonWebToken(proof);
        }
        // Stryker disable Block : without this block the method ends in the default value, null, as the block returns.
        catch (ArgumentException)
        {
            return null;
        }
        // Stryker restore Block
    }

    /// <summary>The header's <c>jwk</c> as a key: an EC or RSA public key, or null.</summary>
    private static JsonWebKey? PublicKey(JsonWebToken jwt)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader));
            var member = header.RootElement.TryGetProperty("jwk", out var jwk) ? jwk : default;
            if (member.ValueKind != JsonValueKind.Object) return null;
            var key = new JsonWebKey(member.GetRawText());
            var asymmetric = key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA;
            return asymmetric && !key.HasPrivateKey && key.CanComputeJwkThumbprint() ? key : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static (string?, OAuthError?) Refuse(string description, string? reason = null) => (null, Errors.InvalidDpopProof(description, reason ?? description));
}
