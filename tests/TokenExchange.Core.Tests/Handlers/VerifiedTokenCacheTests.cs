using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// The verified-token cache's rules (README "Verified-token cache"), through <see cref="JwtSubjectTokenValidator"/>:
/// a hit skips the signature (counted at the key's crypto provider factory) and nothing else that depends on the
/// clock, the request or the IdP's current keys; each refusal at a hit is the uncached path's refusal.
/// </summary>
public sealed class VerifiedTokenCacheTests : IDisposable
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly TestIdp idp = new();
    private readonly SettableClock time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DateTimeOffset start;
    private readonly CountingCryptoProviderFactory crypto = new();
    private readonly ECDsaSecurityKey key;
    private readonly SwappableKeySource keys;
    private readonly TestMeterFactory meters = new();
    private readonly TokenExchangeMetrics metrics;
    private readonly MetricCollector<long> lookups;
    private readonly MetricCollector<long> evictions;

    public VerifiedTokenCacheTests()
    {
        start = time.Now;
        key = new ECDsaSecurityKey(idp.EcKey.ECDsa) { KeyId = idp.EcKey.KeyId, CryptoProviderFactory = crypto };
        keys = new SwappableKeySource(key);
        metrics = new TokenExchangeMetrics(meters);
        lookups = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.validation.cache.lookups");
        evictions = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.validation.cache.evictions");
    }

    public void Dispose()
    {
        lookups.Dispose();
        evictions.Dispose();
        meters.Dispose();
    }

    private VerifiedTokenCache Cache(TimeSpan? maxAge = null, int maxEntries = 100) =>
        new(new ValidationCachePolicy { MaxAge = maxAge ?? TimeSpan.FromHours(1), MaxEntries = maxEntries }, "partner-idp", time, metrics);

    private JwtSubjectTokenValidator Validator(VerifiedTokenCache? cache, TimeSpan? maxTokenLifetime = null) =>
        new(idp.Issuer, [TestIdp.DefaultAudience], ["ES256"], Skew, keys, time, maxTokenLifetime, null, cache);

    private string Token(string subject = "alice-ext-1", TimeSpan? expiresIn = null, DateTimeOffset? notBefore = null, IDictionary<string, object>? claims = null, DateTimeOffset? issuedAt = null) =>
        idp.Token(subject, now: issuedAt ?? start, expiresIn: expiresIn ?? Lifetime, notBefore: notBefore, claims: claims, key: key);

    private static async Task<JwtValidationResult> Valid(JwtSubjectTokenValidator validator, string token, string type = TokenTypes.Jwt)
    {
        var result = await validator.ValidateAsync(token, type, CancellationToken.None);
        Assert.True(result.IsValid, result.Error?.Reason);
        return result;
    }

    private static async Task<OAuthError> Refused(JwtSubjectTokenValidator validator, string token, string type = TokenTypes.Jwt)
    {
        var result = await validator.ValidateAsync(token, type, CancellationToken.None);
        Assert.False(result.IsValid);
        return result.Error!;
    }

    private string[] Lookups() => [.. lookups.GetMeasurementSnapshot().Select(m => $"{m.Tags["handler"]}:{m.Tags["result"]}")];

    private string[] Evictions() => [.. evictions.GetMeasurementSnapshot().Select(m => $"{m.Tags["handler"]}:{m.Tags["reason"]}")];

    [Fact]
    public async Task A_repeated_token_is_a_hit_that_skips_the_signature_and_answers_the_same()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var token = Token(claims: new Dictionary<string, object> { ["email"] = "alice@example.com", ["email_verified"] = true });

        var first = await Valid(validator, token);
        var second = await Valid(validator, token);

        Assert.Equal(1, crypto.Verifications);
        Assert.Same(first, second);
        Assert.Equal("alice-ext-1", second.Subject);
        Assert.Equal(idp.Issuer, second.Issuer);
        Assert.Equal(start + Lifetime, second.Expires);
        Assert.Equal("alice@example.com", second.Claims["email"]);
        Assert.True(second.EmailVerified);
        Assert.Equal(1, cache.Count);
        Assert.Equal(["partner-idp:miss", "partner-idp:hit"], Lookups());
    }

    [Fact]
    public async Task Without_a_cache_every_presentation_is_verified()
    {
        var validator = Validator(null);
        var token = Token();

        await Valid(validator, token);
        await Valid(validator, token);

        Assert.Equal(2, crypto.Verifications);
        Assert.Empty(Lookups());
    }

    [Fact]
    public async Task Another_token_of_the_same_subject_is_verified_on_its_own()
    {
        var validator = Validator(Cache());

        await Valid(validator, Token());
        await Valid(validator, Token());

        Assert.Equal(2, crypto.Verifications);
    }

    [Fact]
    public async Task A_token_that_failed_is_not_remembered()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var foreign = idp.Token(now: start, audience: "someone-else", key: key);

        var first = await Refused(validator, foreign);
        var second = await Refused(validator, foreign);

        Assert.Equal(2, crypto.Verifications);
        Assert.Equal(first, second);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_token_refused_for_its_declared_type_is_not_remembered()
    {
        var cache = Cache();
        var idToken = Token(claims: new Dictionary<string, object> { ["nonce"] = "n-1" });

        await Refused(Validator(cache), idToken, TokenTypes.Jwt);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_hit_just_before_expiry_plus_skew_is_still_accepted_without_a_signature_check()
    {
        var validator = Validator(Cache());
        var token = Token();
        await Valid(validator, token);

        time.Now = start + Lifetime + Skew - TimeSpan.FromSeconds(1);
        await Valid(validator, token);

        Assert.Equal(1, crypto.Verifications);
    }

    [Fact]
    public async Task A_token_expired_at_its_hit_is_refused_with_the_uncached_error_and_forgotten()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var token = Token();
        await Valid(validator, token);

        time.Now = start + Lifetime + Skew;
        var cached = await Refused(validator, token);
        Assert.Equal(1, crypto.Verifications);
        var uncached = await Refused(Validator(null), token);

        Assert.Equal(uncached, cached);
        Assert.Equal("subject_token has expired", cached.Description);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, cached.Code);
        Assert.Equal(0, cache.Count);
        Assert.Equal(["partner-idp:expired"], Evictions());
        Assert.Equal(["partner-idp:miss", "partner-idp:hit"], Lookups());
    }

    [Fact]
    public async Task A_token_not_valid_yet_at_its_hit_is_refused_with_the_uncached_error()
    {
        var validator = Validator(Cache());
        var token = Token(notBefore: start);
        await Valid(validator, token);

        // The silo's clock steps back past nbf (and iat) minus the skew.
        time.Now = start - Skew - TimeSpan.FromSeconds(1);
        var cached = await Refused(validator, token);
        Assert.Equal(1, crypto.Verifications);
        var uncached = await Refused(Validator(null), token);

        Assert.Equal(uncached, cached);
        Assert.Equal("subject_token is not valid yet", cached.Description);
    }

    [Fact]
    public async Task A_token_issued_in_the_future_at_its_hit_is_refused_with_the_uncached_error()
    {
        var validator = Validator(Cache());
        var token = Token();
        await Valid(validator, token);

        time.Now = start - Skew - TimeSpan.FromSeconds(1);
        var cached = await Refused(validator, token);

        Assert.Equal("subject_token was issued in the future", cached.Description);
        Assert.Equal(await Refused(Validator(null), token), cached);
    }

    [Fact]
    public async Task The_lifetime_rule_without_iat_is_checked_again_at_a_hit()
    {
        var maxLifetime = TimeSpan.FromMinutes(20);
        var validator = Validator(Cache(), maxLifetime);
        var payload = new Dictionary<string, object> { ["iss"] = idp.Issuer, ["aud"] = TestIdp.DefaultAudience, ["sub"] = "alice-ext-1", ["exp"] = (start + maxLifetime).ToUnixTimeSeconds() };
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(System.Text.Json.JsonSerializer.Serialize(payload), new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
        await Valid(validator, token);

        time.Now = start - Skew - TimeSpan.FromSeconds(1);
        var cached = await Refused(validator, token);

        Assert.Equal("subject_token lifetime is longer than this handler accepts", cached.Description);
        Assert.Equal(await Refused(Validator(null, maxLifetime), token), cached);
    }

    [Fact]
    public async Task The_declared_type_is_checked_at_every_hit()
    {
        var validator = Validator(Cache());
        var idToken = Token(claims: new Dictionary<string, object> { ["nonce"] = "n-1" });
        await Valid(validator, idToken, TokenTypes.IdToken);

        var asJwt = await Refused(validator, idToken, TokenTypes.Jwt);
        await Valid(validator, idToken, TokenTypes.IdToken);

        Assert.Equal(1, crypto.Verifications);
        Assert.StartsWith("subject_token is an ID token", asJwt.Description, StringComparison.Ordinal);
        Assert.Equal(await Refused(Validator(null), idToken, TokenTypes.Jwt), asJwt);
    }

    [Fact]
    public async Task An_access_token_typed_at_jwt_declared_as_an_ID_token_is_refused_at_a_hit()
    {
        var validator = Validator(Cache());
        var accessToken = idp.Token(now: start, key: key, header: new Dictionary<string, object> { ["typ"] = "at+jwt" });
        await Valid(validator, accessToken, TokenTypes.AccessToken);

        var asIdToken = await Refused(validator, accessToken, TokenTypes.IdToken);

        Assert.Equal(1, crypto.Verifications);
        Assert.Equal("subject_token is an access token (typ at+jwt), not an ID token", asIdToken.Description);
    }

    [Fact]
    public async Task A_token_is_remembered_for_at_most_max_age()
    {
        var maxAge = TimeSpan.FromMinutes(2);
        var cache = Cache(maxAge);
        var validator = Validator(cache);
        var token = Token();
        await Valid(validator, token);

        time.Now = start + maxAge - TimeSpan.FromSeconds(1);
        await Valid(validator, token);
        Assert.Equal(1, crypto.Verifications);

        time.Now = start + maxAge;
        await Valid(validator, token);
        Assert.Equal(2, crypto.Verifications);
        Assert.Equal(["partner-idp:expired"], Evictions());
        Assert.Equal(["partner-idp:miss", "partner-idp:hit", "partner-idp:miss"], Lookups());

        // Verified again just now: remembered again, for max age from now.
        await Valid(validator, token);
        Assert.Equal(2, crypto.Verifications);
    }

    [Fact]
    public async Task At_most_max_entries_are_remembered_and_the_rest_are_forgotten_for_capacity()
    {
        var cache = Cache(maxEntries: 3);
        var validator = Validator(cache);
        var tokens = Enumerable.Range(0, 5).Select(i => Token($"subject-{i}")).ToArray();

        foreach (var token in tokens) await Valid(validator, token);
        foreach (var token in tokens) await Valid(validator, token);

        Assert.InRange(cache.Count, 1, 3);
        // Five tokens, three places: at least two of the second round were verified again.
        Assert.InRange(crypto.Verifications, 7, 10);
        Assert.Contains("partner-idp:capacity", Evictions());
        Assert.All(Evictions(), e => Assert.Equal("partner-idp:capacity", e));
    }

    [Fact]
    public async Task A_flood_of_tokens_each_presented_once_neither_pushes_out_a_token_presented_again_and_again_nor_stays_once_the_cache_is_full()
    {
        var cache = Cache(maxEntries: 100);
        var validator = Validator(cache);
        var hot = Token("gateway-user");
        var once = Enumerable.Range(0, 300).Select(i => Token($"once-{i}")).ToArray();

        // Three times the cache's size in tokens nobody presents twice (clients fetching a fresh token per call),
        // with the gateway's token presented between them.
        foreach (var token in once)
        {
            await Valid(validator, token);
            await Valid(validator, hot);
        }
        Assert.Equal(301, crypto.Verifications);
        Assert.InRange(cache.Count, 1, 100);

        // Once full, the cache keeps only a sighting of a token verified once: presented again, it is verified again
        // and remembered then.
        var last = once[^1];
        await Valid(validator, last);
        Assert.Equal(302, crypto.Verifications);
        await Valid(validator, last);
        Assert.Equal(302, crypto.Verifications);
    }

    [Fact]
    public async Task New_tokens_are_remembered_after_old_tokens_that_were_presented_many_times_and_no_longer_are()
    {
        // A client presented its tokens many times, then moved to new ones (a new load, the next token of each user).
        var cache = Cache(maxEntries: 100);
        var validator = Validator(cache);
        var old = Enumerable.Range(0, 100).Select(i => Token($"old-{i}")).ToArray();
        for (var round = 0; round < 20; round++)
        {
            foreach (var token in old) await Valid(validator, token);
        }
        var verified = crypto.Verifications;

        var current = Enumerable.Range(0, 10).Select(i => Token($"new-{i}")).ToArray();
        for (var round = 0; round < 10; round++)
        {
            foreach (var token in current) await Valid(validator, token);
        }

        // Each new token verified at most twice (the second time it is remembered, the cache being full), not at every
        // presentation because the dead tokens were presented more often.
        Assert.InRange(crypto.Verifications - verified, current.Length, 2 * current.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_cache_holds_at_least_three_tokens(int maxEntries) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Cache(maxEntries: maxEntries));

    [Fact]
    public async Task The_smallest_cache_holds_three_tokens_at_most()
    {
        const int maxEntries = 3;
        var cache = Cache(maxEntries: maxEntries);
        var validator = Validator(cache);
        var tokens = Enumerable.Range(0, 4).Select(i => Token($"small-{i}")).ToArray();

        foreach (var token in tokens) await Valid(validator, token);
        await Valid(validator, tokens[^1]);

        Assert.InRange(cache.Count, 1, maxEntries);
        Assert.Equal(tokens.Length, crypto.Verifications);
    }

    [Fact]
    public async Task A_token_whose_key_left_the_key_set_is_forgotten_and_refused_as_uncached()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var token = Token();
        await Valid(validator, token);

        keys.Keys = [new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "next-key" }];
        var cached = await Refused(validator, token);
        var uncached = await Refused(Validator(null), token);

        Assert.Equal(uncached, cached);
        Assert.Equal(JwtSubjectTokenValidator.SignatureFailure, cached.Description);
        Assert.Equal(0, cache.Count);
        Assert.Equal(["partner-idp:key_removed"], Evictions());
        Assert.Equal(["partner-idp:miss", "partner-idp:miss"], Lookups());
    }

    [Fact]
    public async Task A_token_whose_key_is_still_published_beside_a_new_one_stays_a_hit()
    {
        var validator = Validator(Cache());
        var token = Token();
        await Valid(validator, token);

        keys.Keys = [new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "next-key" }, key];
        await Valid(validator, token);

        Assert.Equal(1, crypto.Verifications);
    }

    [Fact]
    public async Task The_same_key_id_with_other_key_material_is_not_the_key_that_verified()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var token = Token();
        await Valid(validator, token);

        // A new key under the old kid (an IdP that reuses kids): its instance is not the one that verified.
        keys.Keys = [new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = key.KeyId }];
        var refused = await Refused(validator, token);

        Assert.Equal(JwtSubjectTokenValidator.SignatureFailure, refused.Description);
        Assert.Equal(["partner-idp:key_removed"], Evictions());
    }

    [Fact]
    public async Task A_hit_while_the_keys_cannot_be_had_is_temporarily_unavailable_as_uncached()
    {
        var cache = Cache();
        var validator = Validator(cache);
        var token = Token();
        await Valid(validator, token);

        keys.Unavailable = true;
        var cached = await Refused(validator, token);

        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, cached.Code);
        Assert.Equal(await Refused(Validator(null), token), cached);
        Assert.Equal(1, cache.Count);
        Assert.Equal(["partner-idp:miss"], Lookups());
    }

    [Fact]
    public void Forgetting_a_token_that_is_not_there_counts_nothing()
    {
        Cache().Forget(TokenHash.Of("not-there"), VerifiedTokenCache.KeyRemoved);

        Assert.Empty(Evictions());
    }

    [Fact]
    public void Token_hashes_are_the_sha256_of_the_whole_token()
    {
        Assert.Equal(TokenHash.Of("a.b.c"), TokenHash.Of("a.b.c"));
        Assert.NotEqual(TokenHash.Of("a.b.c"), TokenHash.Of("a.b.d"));
        var expected = SHA256.HashData(System.Text.Encoding.Unicode.GetBytes("a.b.c"));
        var hash = TokenHash.Of("a.b.c");
        Assert.Equal(expected, (byte[])[.. BitConverter.GetBytes((ulong)hash.First), .. BitConverter.GetBytes((ulong)(hash.First >> 64)), .. BitConverter.GetBytes((ulong)hash.Second), .. BitConverter.GetBytes((ulong)(hash.Second >> 64))]);
    }
}
