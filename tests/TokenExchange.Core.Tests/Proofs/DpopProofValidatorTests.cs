using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Proofs;

/// <summary>
/// <see cref="DpopProofValidator"/> check by check (RFC 9449 section 4.3): each test changes one part of an
/// otherwise good proof and expects that part's refusal.
/// </summary>
public sealed class DpopProofValidatorTests
{
    private const string Endpoint = "https://tx.example/oauth2/token";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private readonly InMemoryOneTimeUseStore store = new();
    private readonly DpopKey key = new();
    private readonly DpopProofValidator validator;

    public DpopProofValidatorTests() => validator = new DpopProofValidator(store, time);

    private ValueTask<(string? Thumbprint, OAuthError? Error)> Validate(string proof, string method = "POST", params string[] urls) =>
        validator.ValidateAsync(new DpopPresentation(proof, method, urls.Length == 0 ? [Endpoint] : urls), CancellationToken.None);

    private string Proof(DateTimeOffset? issuedAt = null, string? jti = null, string htm = "POST", string htu = Endpoint,
        IDictionary<string, object?>? claims = null, IDictionary<string, object?>? headers = null, SigningCredentials? signWith = null) =>
        key.Proof(htu, issuedAt ?? Now, jti, htm, claims, headers, signWith);

    private async Task Refused(string proof, string description, string method = "POST", params string[] urls)
    {
        var (thumbprint, error) = await Validate(proof, method, urls);
        Assert.Null(thumbprint);
        Assert.Equal(OAuthErrorCodes.InvalidDpopProof, error?.Code);
        Assert.Equal(description, error!.Description);
    }

    [Fact]
    public async Task A_good_proof_answers_its_keys_RFC_7638_thumbprint_and_records_its_jti()
    {
        var (thumbprint, error) = await Validate(Proof(jti: "proof-1"));

        Assert.Null(error);
        Assert.Equal(key.Thumbprint, thumbprint);
        var (recorded, until) = Assert.Single(store.Used);
        Assert.Equal(OneTimeUseKey.For(DpopProofValidator.Purpose, key.Thumbprint, "proof-1"), recorded);
        Assert.Equal(Now + DpopProofValidator.MaxAge, until);
    }

    [Fact]
    public async Task The_same_proof_twice_is_a_replay()
    {
        var proof = Proof();
        Assert.Null((await Validate(proof)).Error);

        await Refused(proof, "the DPoP proof was used before (jti)");
    }

    [Fact]
    public async Task The_same_jti_under_another_key_is_no_replay()
    {
        Assert.Null((await Validate(Proof(jti: "same"))).Error);

        var other = new DpopKey().Proof(Endpoint, Now, "same");

        Assert.Null((await Validate(other)).Error);
    }

    [Fact]
    public async Task A_full_store_is_temporarily_unavailable_never_an_unrecorded_acceptance()
    {
        store.Forced = OneTimeUse.Unavailable;

        var (thumbprint, error) = await Validate(Proof());

        Assert.Null(thumbprint);
        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, error?.Code);
    }

    [Fact]
    public async Task Not_a_JWT_is_refused() => await Refused("not-a-jwt", "the DPoP proof is not a JWT");

    [Fact]
    public async Task A_proof_longer_than_the_limit_is_refused_before_parsing() =>
        await Refused(new string('a', DpopProofValidator.MaxProofLength + 1), "the DPoP proof is too long");

    [Fact]
    public async Task A_proof_of_exactly_the_limit_is_not_too_long() =>
        await Refused(new string('a', DpopProofValidator.MaxProofLength), "the DPoP proof is not a JWT");

    [Fact]
    public async Task An_exp_in_the_proof_decides_nothing_its_iat_does() =>
        Assert.Null((await Validate(Proof(claims: new Dictionary<string, object?> { ["exp"] = (Now - TimeSpan.FromDays(1)).ToUnixTimeSeconds() }))).Error);

    [Fact]
    public async Task A_jwk_with_a_member_of_the_wrong_type_is_refused_not_a_crash()
    {
        var jwk = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = 12345, ["y"] = key.PublicJwk["y"] };

        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = jwk }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");
    }

    [Fact]
    public async Task A_proof_of_exactly_the_limit_is_parsed()
    {
        // Eight kilobytes of padding in a claim: the length check lets it through, the proof is then checked as usual.
        var padded = Proof(claims: new Dictionary<string, object?> { ["pad"] = "" });
        var length = padded.Length;
        var proof = Proof(claims: new Dictionary<string, object?> { ["pad"] = new string('x', (DpopProofValidator.MaxProofLength - length) * 3 / 4) });
        Assert.True(proof.Length <= DpopProofValidator.MaxProofLength);

        Assert.Null((await Validate(proof)).Error);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("at+jwt")]
    [InlineData("")]
    public async Task A_typ_other_than_dpop_jwt_is_refused(string typ) =>
        await Refused(Proof(headers: new Dictionary<string, object?> { ["typ"] = typ }), "the DPoP proof's typ must be dpop+jwt");

    [Fact]
    public async Task The_typ_compares_without_case() =>
        Assert.Null((await Validate(Proof(headers: new Dictionary<string, object?> { ["typ"] = "DPoP+JWT" }))).Error);

    [Fact]
    public async Task A_MAC_algorithm_is_refused()
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));

        await Refused(Proof(signWith: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256)), "the DPoP proof's alg must be an asymmetric algorithm");
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            Claims = new Dictionary<string, object> { ["jti"] = "x", ["htm"] = "POST", ["htu"] = Endpoint, ["iat"] = Now.ToUnixTimeSeconds() },
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = key.PublicJwk },
        });

        await Refused(unsigned, "the DPoP proof's alg must be an asymmetric algorithm");
    }

    [Fact]
    public async Task Every_listed_algorithm_is_asymmetric()
    {
        Assert.Equal(9, DpopProofValidator.Algorithms.Length);
        Assert.All(DpopProofValidator.Algorithms, a => Assert.Matches("^(ES|RS|PS)(256|384|512)$", a));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_RSA_key_verifies_too()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        var jwk = new Dictionary<string, object?> { ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) } };

        var (thumbprint, error) = await Validate(Proof(headers: jwk, signWith: new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSsaPssSha256)));

        Assert.Null(error);
        Assert.NotEqual(key.Thumbprint, thumbprint);
    }

    [Fact]
    public async Task A_proof_without_jwk_is_refused() =>
        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = null }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");

    [Fact]
    public async Task A_jwk_that_is_no_object_is_refused() =>
        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = "key" }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");

    [Fact]
    public async Task A_jwk_with_its_private_part_is_refused()
    {
        var jwk = key.PublicJwk;
        jwk["d"] = Base64UrlEncoder.Encode(key.Key.ExportParameters(true).D);

        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = jwk }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");
    }

    [Fact]
    public async Task A_symmetric_jwk_is_refused()
    {
        var jwk = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)) };

        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = jwk }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");
    }

    [Fact]
    public async Task An_EC_jwk_without_its_coordinates_is_refused()
    {
        var jwk = key.PublicJwk;
        jwk.Remove("y");

        await Refused(Proof(headers: new Dictionary<string, object?> { ["jwk"] = jwk }), "the DPoP proof's header must carry the public jwk that signed it, without private parts");
    }

    [Fact]
    public async Task A_proof_signed_by_another_key_than_its_jwk_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await Refused(Proof(signWith: new SigningCredentials(new ECDsaSecurityKey(other), SecurityAlgorithms.EcdsaSha256)), "the DPoP proof's signature does not verify with its jwk");
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = Proof().Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("POST", "GET ", StringComparison.Ordinal);

        await Refused($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}", "the DPoP proof's signature does not verify with its jwk", "GET ");
    }

    [Fact]
    public async Task A_proof_without_jti_is_refused() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["jti"] = null }), "the DPoP proof needs a jti of at most 256 characters");

    [Fact]
    public async Task An_empty_jti_is_refused() =>
        await Refused(Proof(jti: ""), "the DPoP proof needs a jti of at most 256 characters");

    [Fact]
    public async Task A_jti_longer_than_256_characters_is_refused_and_256_is_accepted()
    {
        await Refused(Proof(jti: new string('j', DpopProofValidator.MaxJtiLength + 1)), "the DPoP proof needs a jti of at most 256 characters");
        Assert.Null((await Validate(Proof(jti: new string('j', DpopProofValidator.MaxJtiLength)))).Error);
    }

    [Fact]
    public async Task Another_method_is_refused() =>
        await Refused(Proof(htm: "GET"), "the DPoP proof's htm does not name this request's method");

    [Fact]
    public async Task The_method_compares_with_case() =>
        await Refused(Proof(htm: "post"), "the DPoP proof's htm does not name this request's method");

    [Fact]
    public async Task A_proof_without_htm_is_refused() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["htm"] = null }), "the DPoP proof's htm does not name this request's method");

    [Fact]
    public async Task Another_endpoint_is_refused() =>
        await Refused(Proof(htu: "https://tx.example/oauth2/introspect"), "the DPoP proof's htu does not name this endpoint");

    [Fact]
    public async Task A_proof_without_htu_is_refused() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["htu"] = null }), "the DPoP proof's htu does not name this endpoint");

    [Fact]
    public async Task The_htu_may_name_any_of_the_requests_urls() =>
        Assert.Null((await Validate(Proof(htu: "http://10.0.0.7:8080/oauth2/token"), "POST", Endpoint, "http://10.0.0.7:8080/oauth2/token")).Error);

    [Fact]
    public async Task The_htu_is_compared_after_normalization_and_without_query()
    {
        Assert.Null((await Validate(Proof(htu: "HTTPS://TX.example:443/oauth2/token?x=1#f"))).Error);
    }

    [Fact]
    public async Task A_proof_without_iat_is_refused() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["iat"] = null }), "the DPoP proof needs an iat");

    [Fact]
    public async Task An_iat_that_is_no_number_is_refused_not_a_crash() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["iat"] = "yesterday" }), "the DPoP proof is not a JWT");

    [Fact]
    public async Task A_header_that_is_no_JSON_is_refused() =>
        await Refused("bm90IGpzb24." + Proof().Split('.')[1] + ".c2ln", "the DPoP proof is not a JWT");

    [Fact]
    public async Task A_proof_older_than_the_window_is_refused_and_one_exactly_that_old_accepted()
    {
        await Refused(Proof(issuedAt: Now - DpopProofValidator.MaxAge - TimeSpan.FromSeconds(1)), "the DPoP proof is too old (iat)");
        Assert.Null((await Validate(Proof(issuedAt: Now - DpopProofValidator.MaxAge))).Error);
    }

    [Fact]
    public async Task A_proof_from_the_future_beyond_the_skew_is_refused_and_one_within_accepted()
    {
        await Refused(Proof(issuedAt: Now + DpopProofValidator.MaxClockSkew + TimeSpan.FromSeconds(1)), "the DPoP proof's iat is in the future");
        Assert.Null((await Validate(Proof(issuedAt: Now + DpopProofValidator.MaxClockSkew))).Error);
    }

    [Fact]
    public async Task A_huge_iat_is_refused_as_future_not_a_crash() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["iat"] = long.MaxValue }), "the DPoP proof's iat is in the future");

    [Fact]
    public async Task A_negative_iat_is_refused_as_too_old() =>
        await Refused(Proof(claims: new Dictionary<string, object?> { ["iat"] = -5L }), "the DPoP proof is too old (iat)");

    [Fact]
    public async Task The_jti_is_remembered_for_the_window_from_its_iat()
    {
        var issued = Now - TimeSpan.FromSeconds(20);
        Assert.Null((await Validate(Proof(issuedAt: issued))).Error);

        Assert.Equal(issued + DpopProofValidator.MaxAge, Assert.Single(store.Used).Value);
    }

    [Fact]
    public async Task The_window_is_a_minute_and_the_skew_five_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), DpopProofValidator.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(5), DpopProofValidator.MaxClockSkew);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_refusal_records_no_jti()
    {
        await Validate(Proof(htm: "GET"));

        Assert.Empty(store.Used);
    }
}

/// <summary>tokenexchange.dpop.proofs: one count per proof checked, by outcome.</summary>
public sealed class DpopProofMetricsTests : IDisposable
{
    private const string Endpoint = "https://tx.example/oauth2/token";
    private readonly TestMeterFactory meters = new();
    private readonly InMemoryOneTimeUseStore store = new();
    private readonly DpopKey key = new();
    private readonly Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> proofs;
    private readonly DpopProofValidator validator;

    public DpopProofMetricsTests()
    {
        var metrics = new TokenExchange.Diagnostics.TokenExchangeMetrics(meters);
        proofs = new(meters, TokenExchange.Diagnostics.TokenExchangeTelemetry.Name, TokenExchange.Diagnostics.TokenExchangeMetrics.DpopProofsName);
        validator = new DpopProofValidator(store, TimeProvider.System, metrics, new DpopNonces(new byte[32], TimeProvider.System));
    }

    public void Dispose() => meters.Dispose();

    private ValueTask<(string?, OAuthError?)> Validate(string proof) => validator.ValidateAsync(new DpopPresentation(proof, "POST", [Endpoint]), CancellationToken.None);

    [Fact]
    public async Task Each_outcome_is_counted()
    {
        var proof = key.Proof(Endpoint);
        await Validate(proof);
        await Validate(proof);
        await Validate(key.Proof(Endpoint, htm: "GET"));
        await validator.ValidateAsync(new DpopPresentation(key.Proof(Endpoint), "POST", [Endpoint]), "orders", CancellationToken.None);
        store.Forced = OneTimeUse.Unavailable;
        await Validate(key.Proof(Endpoint));

        Assert.Equal(["bound", "replayed", "invalid", "use_nonce", "unavailable"], proofs.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.All(proofs.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }
}
