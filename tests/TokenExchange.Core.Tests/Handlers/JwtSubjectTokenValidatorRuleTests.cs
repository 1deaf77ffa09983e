using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// Each rule of <see cref="JwtSubjectTokenValidator"/> at its boundaries, on tokens whose payload is written
/// claim by claim (so a claim can be absent, mistyped or out of range): the lifetime rules with and without
/// <c>iat</c>, NumericDate bounds, authorized parties, token type confusion, and how attacker-chosen header
/// values are clipped before they reach the audit reason (issue 18: these are the mutants the black-box tests missed).
/// </summary>
public sealed class JwtSubjectTokenValidatorRuleTests
{
    private const long Skew = 30;
    private const long MaxLifetime = 3600;

    /// <summary>The largest NumericDate the validator accepts (9999-12-31T23:59:59Z).</summary>
    private const long MaxNumericDate = 253402300799;

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly long now;

    public JwtSubjectTokenValidatorRuleTests() => now = time.GetUtcNow().ToUnixTimeSeconds();

    private JwtSubjectTokenValidator Validator(string[]? authorizedParties = null, TimeSpan? maxTokenLifetime = null, IKeySource? keys = null) =>
        new(idp.Issuer, [TestIdp.DefaultAudience], ["ES256"], TimeSpan.FromSeconds(Skew), keys ?? new StaticKeySource([idp.EcKey]), time,
            maxTokenLifetime ?? TimeSpan.FromSeconds(MaxLifetime), authorizedParties);

    /// <summary>A valid payload (issued now, ten minutes to live), with <paramref name="changes"/> applied; a null value removes the claim.</summary>
    private Dictionary<string, object?> Payload(params (string Name, object? Value)[] changes)
    {
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["iss"] = idp.Issuer,
            ["aud"] = TestIdp.DefaultAudience,
            ["sub"] = "alice-ext-1",
            ["iat"] = now,
            ["exp"] = now + 600,
        };
        foreach (var (name, value) in changes)
        {
            if (value is null) claims.Remove(name);
            else claims[name] = value;
        }
        return claims;
    }

    /// <summary>The payload exactly as given, signed with the IdP's key (no times added), with extra header parameters.</summary>
    private string Signed(Dictionary<string, object?> payload, Dictionary<string, object>? header = null, SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(payload), new SigningCredentials(key ?? idp.EcKey, SecurityAlgorithms.EcdsaSha256),
            header ?? new Dictionary<string, object>());

    private async Task<JwtValidationResult> Validate(string token, string declaredType = TokenTypes.Jwt, JwtSubjectTokenValidator? validator = null) =>
        await (validator ?? Validator()).ValidateAsync(token, declaredType, CancellationToken.None);

    private async Task Accepted(string token, string declaredType = TokenTypes.Jwt, JwtSubjectTokenValidator? validator = null)
    {
        var result = await Validate(token, declaredType, validator);
        Assert.True(result.IsValid, result.Error?.Description + " / " + result.Error?.Reason);
        Assert.Equal("alice-ext-1", result.Subject);
    }

    private async Task<OAuthError> Refused(string token, string description, string declaredType = TokenTypes.Jwt, JwtSubjectTokenValidator? validator = null)
    {
        var result = await Validate(token, declaredType, validator);
        var error = Assert.IsType<OAuthError>(result.Error);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(description, error.Description);
        Assert.Null(result.Subject);
        return error;
    }

    private const string NotATime = "subject_token has an exp, nbf or iat that is not a time";
    private const string TooLong = "subject_token lifetime is longer than this handler accepts";
    private const string NotAuthorizedParty = "subject_token was not issued to an authorized party of this handler";

    // --- Lifetime: tokens with iat are bounded by exp - iat ---

    [Fact]
    public async Task Lifetime_with_iat_of_exactly_the_maximum_is_accepted() =>
        await Accepted(Signed(Payload(("iat", now - 100), ("exp", now - 100 + MaxLifetime))));

    [Fact]
    public async Task Lifetime_with_iat_one_second_over_the_maximum_is_refused() =>
        await Refused(Signed(Payload(("iat", now - 100), ("exp", now - 100 + MaxLifetime + 1))), TooLong);

    [Fact]
    public async Task The_configured_maximum_lifetime_applies_not_the_default_of_one_day()
    {
        // Two hours is within JwtTrust's default (one day) but over this handler's one hour.
        await Refused(Signed(Payload(("exp", now + 7200))), TooLong);
        await Accepted(Signed(Payload(("exp", now + 7200))), validator: Validator(maxTokenLifetime: TimeSpan.FromHours(3)));
    }

    // --- Lifetime: tokens without iat are bounded by what is left of them (exp - now), plus the skew ---

    [Fact]
    public async Task Without_iat_a_remaining_lifetime_of_the_maximum_plus_skew_is_accepted()
    {
        var result = await Validate(Signed(Payload(("iat", null), ("exp", now + MaxLifetime + Skew))));

        Assert.True(result.IsValid, result.Error?.Description);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(now + MaxLifetime + Skew), result.Expires);
    }

    [Fact]
    public async Task Without_iat_a_remaining_lifetime_one_second_over_the_maximum_plus_skew_is_refused() =>
        await Refused(Signed(Payload(("iat", null), ("exp", now + MaxLifetime + Skew + 1))), TooLong);

    [Fact]
    public async Task Without_iat_a_short_lived_token_is_accepted() =>
        await Accepted(Signed(Payload(("iat", null), ("exp", now + 60))));

    [Fact]
    public async Task Without_iat_a_token_issued_long_ago_that_expires_soon_is_accepted()
    {
        // exp - now is what counts without iat; were it exp + now, any token would be too long.
        time.Advance(TimeSpan.FromDays(1));
        await Accepted(Signed(Payload(("iat", null), ("exp", now + 86400 + 60))));
    }

    // --- iat, nbf and exp at the clock skew ---

    [Fact]
    public async Task Iat_exactly_skew_seconds_ahead_is_accepted() =>
        await Accepted(Signed(Payload(("iat", now + Skew), ("exp", now + 600))));

    [Fact]
    public async Task Iat_one_second_beyond_the_skew_is_refused() =>
        await Refused(Signed(Payload(("iat", now + Skew + 1), ("exp", now + 600))), "subject_token was issued in the future");

    [Fact]
    public async Task Nbf_exactly_skew_seconds_ahead_is_accepted() =>
        await Accepted(Signed(Payload(("nbf", now + Skew))));

    [Fact]
    public async Task Nbf_one_second_beyond_the_skew_is_refused() =>
        await Refused(Signed(Payload(("nbf", now + Skew + 1))), "subject_token is not valid yet");

    // --- Missing and malformed times ---

    [Fact]
    public async Task A_token_without_exp_is_refused_for_that_reason() =>
        await Refused(Signed(Payload(("exp", null))), "subject_token has no exp claim");

    [Theory]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task A_negative_time_is_not_a_time(string claim) =>
        await Refused(Signed(Payload((claim, -1L))), NotATime);

    [Theory]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task A_time_past_the_year_9999_is_not_a_time(string claim) =>
        await Refused(Signed(Payload((claim, MaxNumericDate + 1))), NotATime);

    [Fact]
    public async Task Zero_is_a_time_the_epoch()
    {
        // nbf 0 (1970) is long past: accepted; exp 0 is long expired, not malformed.
        await Accepted(Signed(Payload(("nbf", 0L))));
        await Refused(Signed(Payload(("exp", 0L), ("iat", null))), "subject_token has expired");
    }

    [Fact]
    public async Task The_last_second_of_the_year_9999_is_a_time()
    {
        // In range, so the lifetime rule (not the NumericDate rule) refuses it.
        await Refused(Signed(Payload(("exp", MaxNumericDate), ("iat", null))), TooLong);
        await Refused(Signed(Payload(("nbf", MaxNumericDate))), "subject_token is not valid yet");
    }

    // --- Authorized parties (azp, client_id) ---

    [Theory]
    [InlineData("azp")]
    [InlineData("client_id")]
    public async Task A_token_issued_to_an_authorized_party_is_accepted(string claim) =>
        await Accepted(Signed(Payload((claim, "app-1"))), validator: Validator(["app-1", "app-2"]));

    [Theory]
    [InlineData("azp")]
    [InlineData("client_id")]
    public async Task A_token_issued_to_another_party_is_refused(string claim) =>
        await Refused(Signed(Payload((claim, "app-3"))), NotAuthorizedParty, validator: Validator(["app-1", "app-2"]));

    [Fact]
    public async Task A_token_that_names_no_party_is_refused_where_parties_are_configured() =>
        await Refused(Signed(Payload()), NotAuthorizedParty, validator: Validator(["app-1"]));

    [Fact]
    public async Task Both_azp_and_client_id_must_name_an_authorized_party()
    {
        var validator = Validator(["app-1", "app-2"]);

        await Accepted(Signed(Payload(("azp", "app-1"), ("client_id", "app-2"))), validator: validator);
        await Refused(Signed(Payload(("azp", "app-1"), ("client_id", "app-3"))), NotAuthorizedParty, validator: validator);
        await Refused(Signed(Payload(("azp", "app-3"), ("client_id", "app-1"))), NotAuthorizedParty, validator: validator);
    }

    [Fact]
    public async Task Without_configured_parties_any_party_is_accepted()
    {
        await Accepted(Signed(Payload(("azp", "anyone"))), validator: Validator([]));
        await Accepted(Signed(Payload(("azp", "anyone"))), validator: Validator(authorizedParties: null));
    }

    // --- Token type confusion (RFC 9068 at+jwt, OIDC ID tokens) ---

    [Theory]
    [InlineData("nonce")]
    [InlineData("at_hash")]
    [InlineData("c_hash")]
    [InlineData("s_hash")]
    public async Task An_id_token_claim_marks_an_id_token_accepted_only_when_declared_as_one(string claim)
    {
        var token = Signed(Payload((claim, "x")));

        await Accepted(token, TokenTypes.IdToken);
        await Refused(token, "subject_token is an ID token: declare subject_token_type id_token, where the handler accepts one", TokenTypes.Jwt);
        await Refused(token, "subject_token is an ID token: declare subject_token_type id_token, where the handler accepts one", TokenTypes.AccessToken);
    }

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("application/at+jwt")]
    [InlineData("AT+JWT")]
    public async Task A_token_typed_at_jwt_is_never_an_id_token(string typ)
    {
        var token = Signed(Payload(), new() { ["typ"] = typ });

        await Refused(token, "subject_token is an access token (typ at+jwt), not an ID token", TokenTypes.IdToken);
        await Accepted(token, TokenTypes.AccessToken);
    }

    [Theory]
    [InlineData("txntoken+jwt")]
    [InlineData("application/txntoken+jwt")]
    [InlineData("TxnToken+JWT")]
    public async Task A_transaction_token_is_refused_whatever_type_is_declared(string typ)
    {
        var token = Signed(Payload(), new() { ["typ"] = typ });

        foreach (var declared in new[] { TokenTypes.AccessToken, TokenTypes.Jwt, TokenTypes.IdToken })
        {
            var error = await Refused(token, "subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced", declared);
            Assert.Equal("txntoken+jwt presented to a handler", error.Reason);
        }
    }

    [Theory]
    [InlineData("txntoken")]
    [InlineData("txntoken+jwt2")]
    [InlineData("application/txntoken")]
    public async Task A_typ_that_only_resembles_a_transaction_tokens_is_not_one(string typ) =>
        await Accepted(Signed(Payload(), new() { ["typ"] = typ }), TokenTypes.AccessToken);

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("application/at+jwt")]
    public async Task An_access_token_typed_at_jwt_may_carry_an_id_token_claim(string typ) =>
        await Accepted(Signed(Payload(("nonce", "n-1")), new() { ["typ"] = typ }), TokenTypes.AccessToken);

    [Theory]
    [InlineData("JWT")]
    [InlineData("at+jwt2")]
    [InlineData("jwt+at")]
    public async Task Another_typ_is_no_access_token_type(string typ)
    {
        var token = Signed(Payload(("nonce", "n-1")), new() { ["typ"] = typ });

        await Accepted(token, TokenTypes.IdToken);
        await Refused(token, "subject_token is an ID token: declare subject_token_type id_token, where the handler accepts one", TokenTypes.AccessToken);
    }

    [Fact]
    public async Task A_plain_token_without_typ_or_id_token_claims_is_accepted_whatever_its_declared_type()
    {
        var token = Signed(Payload());

        await Accepted(token, TokenTypes.Jwt);
        await Accepted(token, TokenTypes.AccessToken);
        await Accepted(token, TokenTypes.IdToken);
    }

    // --- Keys: an empty kid asks for every key ---

    [Fact]
    public async Task An_empty_kid_asks_the_key_source_for_any_key()
    {
        var keys = new RecordingKeySource(new ECDsaSecurityKey(idp.EcKey.ECDsa));
        var token = SignedWithHeader(new() { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = "" }, Payload());

        await Accepted(token, validator: Validator(keys: keys));
        Assert.Equal([null], keys.Asked);
    }

    [Fact]
    public async Task A_kid_is_passed_to_the_key_source()
    {
        var keys = new RecordingKeySource(idp.EcKey);

        await Accepted(Signed(Payload()), validator: Validator(keys: keys));
        Assert.Equal([idp.EcKey.KeyId], keys.Asked);
    }

    [Fact]
    public async Task A_token_of_an_allowed_algorithm_with_its_signature_stripped_is_a_signature_failure()
    {
        // "ES256" in the header and an empty signature: the algorithm check passes, so the signature rule must refuse it.
        var signed = Signed(Payload());
        var stripped = signed[..(signed.LastIndexOf('.') + 1)];

        await Refused(stripped, JwtSubjectTokenValidator.SignatureFailure);
    }

    [Fact]
    public async Task A_keys_certificate_validity_is_not_checked_the_handlers_trust_settings_are_the_trust()
    {
        // A JWKS key may carry an x5c certificate; the key is trusted because the handler's settings name it,
        // so an expired certificate around it does not refuse the token.
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=idp-signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-3), DateTimeOffset.UtcNow.AddYears(-2));
        var key = new X509SecurityKey(certificate);
        var token = new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(Payload()), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        var validator = new JwtSubjectTokenValidator(idp.Issuer, [TestIdp.DefaultAudience], ["RS256"], TimeSpan.FromSeconds(Skew), new RecordingKeySource(key), time,
            TimeSpan.FromSeconds(MaxLifetime));

        await Accepted(token, validator: validator);
    }

    // --- Attacker-chosen values are clipped and made printable in the audit reason ---

    [Fact]
    public async Task An_unknown_kid_is_named_in_the_reason()
    {
        var error = await Refused(UnknownKid("kid-x"), JwtSubjectTokenValidator.SignatureFailure);

        Assert.Equal("unknown kid 'kid-x'", error.Reason);
    }

    [Fact]
    public async Task A_kid_of_forty_characters_is_kept_whole_and_a_longer_one_is_clipped_to_forty()
    {
        var forty = new string('k', 40);

        Assert.Equal($"unknown kid '{forty}'", (await Refused(UnknownKid(forty), JwtSubjectTokenValidator.SignatureFailure)).Reason);
        Assert.Equal($"unknown kid '{forty}…'", (await Refused(UnknownKid(forty + "zz"), JwtSubjectTokenValidator.SignatureFailure)).Reason);
    }

    [Fact]
    public async Task Control_characters_of_a_kid_are_replaced_in_the_reason()
    {
        var error = await Refused(UnknownKid("a\nb\u0007c"), JwtSubjectTokenValidator.SignatureFailure);

        Assert.Equal("unknown kid 'a?b?c'", error.Reason);
    }

    private string UnknownKid(string kid) => Signed(Payload(), key: new ECDsaSecurityKey(idp.EcKey.ECDsa) { KeyId = kid });

    /// <summary>
    /// A JWS with exactly this header, which IdentityModel will not write (it refuses a kid among extra header
    /// parameters, and writes none for an empty key id); signed ES256 (RFC 7518 section 3.4: R and S concatenated).
    /// </summary>
    private string SignedWithHeader(Dictionary<string, object> header, Dictionary<string, object?> payload)
    {
        var signingInput = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = idp.EcKey.ECDsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>A key source that records the kid it was asked for.</summary>
    private sealed class RecordingKeySource(SecurityKey key) : IKeySource
    {
        public List<string?> Asked { get; } = [];

        public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
        {
            Asked.Add(kid);
            return ValueTask.FromResult<IReadOnlyList<SecurityKey>>([key]);
        }
    }
}
