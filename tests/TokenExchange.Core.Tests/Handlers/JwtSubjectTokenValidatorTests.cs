using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Exchange;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

public sealed class JwtSubjectTokenValidatorTests
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DateTimeOffset start;

    public JwtSubjectTokenValidatorTests() => start = time.GetUtcNow();

    private JwtSubjectTokenValidator Validator(string[]? algorithms = null, IKeySource? keys = null) =>
        new(idp.Issuer, [TestIdp.DefaultAudience], algorithms ?? ["ES256", "RS256"], Skew, keys ?? new StaticKeySource([idp.EcKey, idp.RsaKey]), time);

    private async Task<OAuthError> Refused(string token, string expectedCode = OAuthErrorCodes.InvalidRequest, JwtSubjectTokenValidator? validator = null)
    {
        var result = await (validator ?? Validator()).ValidateAsync(token, TokenTypes.Jwt, CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Null(result.Subject);
        var error = Assert.IsType<OAuthError>(result.Error);
        Assert.Equal(expectedCode, error.Code);
        return error;
    }

    private async Task AssertSignatureFailure(string token, JwtSubjectTokenValidator? validator = null)
    {
        var error = await Refused(token, OAuthErrorCodes.InvalidRequest, validator);
        Assert.Equal(JwtSubjectTokenValidator.SignatureFailure, error.Description);
    }

    private static ECDsaSecurityKey AttackerKey(string? kid) =>
        new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    [Fact]
    public async Task Valid_token_gives_subject_issuer_and_expiry()
    {
        var token = idp.Token(subject: "alice-ext-1", now: start);

        var result = await Validator().ValidateAsync(token, TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Reason);
        Assert.Null(result.Error);
        Assert.Equal("alice-ext-1", result.Subject);
        Assert.Equal(idp.Issuer, result.Issuer);
        Assert.Equal(start + Lifetime, result.Expires);
        Assert.Equal("alice-ext-1", result.Claims["sub"]);
    }

    [Fact]
    public async Task Valid_rs256_token_is_accepted()
    {
        var result = await Validator().ValidateAsync(idp.Token(now: start, key: idp.RsaKey), TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Reason);
    }

    [Fact]
    public async Task Token_without_kid_signed_by_a_trusted_key_is_accepted()
    {
        var withoutKid = new ECDsaSecurityKey(idp.EcKey.ECDsa);

        var result = await Validator().ValidateAsync(idp.Token(now: start, key: withoutKid), TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Reason);
    }

    [Fact]
    public async Task Token_is_valid_one_second_before_expiry_plus_skew()
    {
        var token = idp.Token(now: start, expiresIn: Lifetime);
        time.SetUtcNow(start + Lifetime + Skew - TimeSpan.FromSeconds(1));

        var result = await Validator().ValidateAsync(token, TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Reason);
    }

    [Fact]
    public async Task Token_is_expired_at_expiry_plus_skew()
    {
        var token = idp.Token(now: start, expiresIn: Lifetime);
        time.SetUtcNow(start + Lifetime + Skew);

        var error = await Refused(token);

        Assert.Contains("expired", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_is_expired_one_second_after_expiry_plus_skew()
    {
        var token = idp.Token(now: start, expiresIn: Lifetime);
        time.SetUtcNow(start + Lifetime + Skew + TimeSpan.FromSeconds(1));

        var error = await Refused(token);

        Assert.Contains("expired", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_not_yet_valid_beyond_the_skew_is_refused()
    {
        var token = idp.Token(now: start, notBefore: start + Skew + TimeSpan.FromSeconds(1));

        var error = await Refused(token);

        Assert.Contains("not valid yet", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_not_yet_valid_within_the_skew_is_accepted()
    {
        var result = await Validator().ValidateAsync(idp.Token(now: start, notBefore: start + Skew), TokenTypes.Jwt, CancellationToken.None);

        Assert.True(result.IsValid, result.Error?.Reason);
    }

    [Fact]
    public async Task Token_issued_in_the_future_beyond_the_skew_is_refused()
    {
        var token = idp.Token(now: start + Skew + TimeSpan.FromSeconds(1));

        var error = await Refused(token);

        Assert.Contains("future", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_exp_is_refused()
    {
        var error = await Refused(idp.Token(now: start, includeExpiry: false));

        Assert.Contains("exp", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_sub_is_refused()
    {
        var error = await Refused(idp.Token(subject: "", now: start));

        Assert.Contains("sub", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        var error = await Refused(idp.Token(now: start, issuer: "https://evil.example"));

        Assert.Contains("issuer", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        var error = await Refused(idp.Token(now: start, audience: "someone-else"));

        Assert.Contains("audience", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_audience_is_refused()
    {
        await Refused(idp.Token(now: start, audience: null));
    }

    [Fact]
    public async Task Tampered_signature_is_a_signature_failure()
    {
        var parts = idp.Token(now: start).Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[0] ^= 0xFF;

        await AssertSignatureFailure(parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature));
    }

    [Fact]
    public async Task Tampered_payload_is_a_signature_failure()
    {
        var parts = idp.Token(subject: "alice-ext-1", now: start).Split('.');
        var other = idp.Token(subject: "mallory-ext-9", now: start).Split('.');

        await AssertSignatureFailure(parts[0] + "." + other[1] + "." + parts[2]);
    }

    [Fact]
    public async Task TestIdp_tampered_token_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.TamperedToken());
    }

    [Fact]
    public async Task Unknown_kid_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.Token(now: start, key: AttackerKey("unknown-kid")));
    }

    [Fact]
    public async Task Token_without_kid_signed_by_an_untrusted_key_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.Token(now: start, key: AttackerKey(null)));
    }

    [Fact]
    public async Task Algorithm_not_in_the_allowed_list_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.Token(now: start, key: idp.RsaKey), Validator(algorithms: ["ES256"]));
    }

    [Fact]
    public async Task Alg_none_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.UnsignedToken());
    }

    [Fact]
    public async Task Hmac_signed_with_the_public_key_is_a_signature_failure()
    {
        await AssertSignatureFailure(idp.HmacWithPublicKeyToken());
    }

    [Fact]
    public async Task Jku_header_with_an_attacker_key_under_a_trusted_kid_is_a_signature_failure()
    {
        var token = idp.Token(
            now: start,
            key: AttackerKey(idp.EcKey.KeyId),
            header: new Dictionary<string, object> { ["jku"] = "https://attacker.example/jwks.json" });
        var keys = new CountingKeySource(new StaticKeySource([idp.EcKey, idp.RsaKey]));

        await AssertSignatureFailure(token, Validator(keys: keys));
        Assert.Equal([idp.EcKey.KeyId], keys.RequestedKids);
    }

    [Fact]
    public async Task Signature_failures_all_share_one_description()
    {
        string[] tokens =
        [
            idp.TamperedToken(),
            idp.Token(now: start, key: AttackerKey("unknown-kid")),
            idp.Token(now: start, key: AttackerKey(idp.EcKey.KeyId)),
            idp.UnsignedToken(),
            idp.HmacWithPublicKeyToken(),
        ];
        var descriptions = new HashSet<string>(StringComparer.Ordinal);

        foreach (var token in tokens) descriptions.Add((await Refused(token)).Description);

        Assert.Single(descriptions);
    }

    [Fact]
    public async Task Crit_header_is_refused()
    {
        var token = idp.Token(now: start, header: new Dictionary<string, object> { ["crit"] = new[] { "exp" } });

        var error = await Refused(token);

        Assert.Contains("critical", error.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public async Task Something_that_is_not_a_jwt_is_refused(string token)
    {
        var error = await Refused(token);

        Assert.Contains("well-formed", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unavailable_keys_are_temporarily_unavailable()
    {
        await Refused(idp.Token(now: start), OAuthErrorCodes.TemporarilyUnavailable, Validator(keys: new UnavailableKeySource()));
    }

    [Fact]
    public async Task Key_source_is_not_asked_for_a_token_with_a_forbidden_algorithm()
    {
        var keys = new CountingKeySource(new StaticKeySource([idp.EcKey]));

        await AssertSignatureFailure(idp.HmacWithPublicKeyToken(), Validator(keys: keys));
        Assert.Empty(keys.RequestedKids);
    }

    private sealed class UnavailableKeySource : IKeySource
    {
        public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) =>
            throw new KeysUnavailableException("idp down");
    }

    private sealed class CountingKeySource(IKeySource inner) : IKeySource
    {
        public List<string?> RequestedKids { get; } = [];

        public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
        {
            RequestedKids.Add(kid);
            return inner.GetKeysAsync(kid, cancellationToken);
        }
    }
}
