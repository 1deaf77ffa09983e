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
/// Every refusal is invalid_dpop_proof (RFC 9449 section 5) with a description naming the failed check; for an app that
/// requires server nonces (RFC 9449 section 8, <see cref="DpopNonces"/>), a proof without a good nonce is use_dpop_nonce
/// and the answer carries the nonce to use.
/// </summary>
public sealed class DpopProofValidator(IOneTimeUseStore replays, TimeProvider time, TokenExchangeMetrics? metrics = null, DpopNonces? nonces = null)
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

    /// <summary>The proof's key thumbprint (base64url, RFC 7638), or the refusal, for an app that requires no nonce.</summary>
    public async ValueTask<(string? Thumbprint, OAuthError? Error)> ValidateAsync(DpopPresentation presentation, CancellationToken cancellationToken)
    {
        var checkedProof = await ValidateAsync(presentation, nonceFor: null, cancellationToken).ConfigureAwait(false);
        return (checkedProof.Thumbprint, checkedProof.Error);
    }

    /// <summary>
    /// The proof's key thumbprint (base64url, RFC 7638), or the refusal, and the nonce the answer carries (DPoP-Nonce):
    /// with use_dpop_nonce, and on success when the proof's nonce is of the previous window (RFC 9449 section 8.2). Counted
    /// by outcome (tokenexchange.dpop.proofs).
    /// </summary>
    /// <param name="nonceFor">The client id of an app that requires server nonces; null when none is required.</param>
    public async ValueTask<DpopProofCheck> ValidateAsync(DpopPresentation presentation, string? nonceFor, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(presentation, nonceFor, cancellationToken).ConfigureAwait(false);
        metrics?.DpopProof(result.Error switch
        {
            null => "bound",
            { Code: OAuthErrorCodes.TemporarilyUnavailable } => "unavailable",
            { Code: OAuthErrorCodes.UseDpopNonce } => "use_nonce",
            { Description: Replayed } => "replayed",
            _ => "invalid",
        });
        return result;
    }

    private const string Replayed = "the DPoP proof was used before (jti)";

    /// <summary>What a client is told when its proof lacks a good nonce (the nonce itself travels in DPoP-Nonce).</summary>
    public const string NonceMissing = "this client's DPoP proofs must carry the server's nonce (DPoP-Nonce)";
    public const string NonceStale = "the DPoP proof's nonce has expired; use the new one (DPoP-Nonce)";
    public const string NonceInvalid = "the DPoP proof's nonce was not issued to this client; use the one in DPoP-Nonce";

    private async ValueTask<DpopProofCheck> CheckAsync(DpopPresentation presentation, string? nonceFor, CancellationToken cancellationToken)
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

        // RFC 9449 section 4.3 check 9, before the jti is spent: the retry with the nonce is a new proof anyway.
        string? nextNonce = null;
        if (nonceFor is not null)
        {
            var issuer = nonces ?? throw new InvalidOperationException("an app requires DPoP nonces, but no nonce key is configured");
            var nonce = jwt.TryGetPayloadValue<string>("nonce", out var presented) ? presented : null;
            switch (issuer.Check(nonceFor, nonce))
            {
                case DpopNonceCheck.Missing: return UseNonce(issuer, nonceFor, NonceMissing, "no nonce in the DPoP proof");
                case DpopNonceCheck.Stale: return UseNonce(issuer, nonceFor, NonceStale, "stale DPoP nonce");
                case DpopNonceCheck.Invalid: return UseNonce(issuer, nonceFor, NonceInvalid, "DPoP nonce not issued for this client");
                case DpopNonceCheck.Rolling: nextNonce = issuer.Current(nonceFor); break;
            }
        }

        var thumbprint = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return await replays.UseAsync(OneTimeUseKey.For(Purpose, thumbprint, jti), issuedAt + MaxAge, cancellationToken).ConfigureAwait(false) switch
        {
            OneTimeUse.First => new DpopProofCheck(thumbprint, null, nextNonce),
            OneTimeUse.Replayed => Refuse(Replayed, "replayed jti"),
            _ => new DpopProofCheck(null, Errors.TemporarilyUnavailable("DPoP proofs cannot be checked for replay now; try again", "one-time store partition full"), null),
        };
    }

    private static DpopProofCheck UseNonce(DpopNonces issuer, string clientId, string description, string reason) =>
        new(null, Errors.UseDpopNonce(description, reason), issuer.Current(clientId));

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
        // Stryker disable Block : without this block the method ends in the default value, null, as the block returns.
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
        {
            return null;
        }
        // Stryker restore Block
    }

    private static DpopProofCheck Refuse(string description, string? reason = null) => new(null, Errors.InvalidDpopProof(description, reason ?? description), null);
}

/// <summary>A checked proof: its key's thumbprint, or the refusal; and the nonce the answer is to carry (DPoP-Nonce), if any.</summary>
public readonly record struct DpopProofCheck(string? Thumbprint, OAuthError? Error, string? Nonce);
