using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Sessions;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Properties;

/// <summary>
/// Random and mutated input to the exchange pipeline (the front door's rules, then the jwt handler's
/// validation): every outcome is a typed OAuth error or a valid result, never an exception; and no
/// mutation that changes what a token says or how it is signed is ever accepted.
/// </summary>
public sealed class ExchangePipelineProperties
{
    private const int Iterations = 400;

    private static readonly string[] OAuthCodes =
    [
        OAuthErrorCodes.InvalidRequest, OAuthErrorCodes.InvalidClient, OAuthErrorCodes.UnauthorizedClient, OAuthErrorCodes.InvalidGrant,
        OAuthErrorCodes.InvalidScope, OAuthErrorCodes.InvalidTarget, OAuthErrorCodes.TemporarilyUnavailable,
    ];

    private static readonly string[] TokenTypeUrns = [TokenTypes.AccessToken, TokenTypes.Jwt, TokenTypes.IdToken];

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly JwtImplementation implementation;
    private readonly string original;

    public ExchangePipelineProperties()
    {
        implementation = new JwtImplementation(
            new JwtSubjectTokenValidator(idp.Issuer, [TestIdp.DefaultAudience], ["ES256"], TimeSpan.FromSeconds(30), new StaticKeySource([idp.EcKey]), time, TimeSpan.FromHours(1)),
            new UserMappingRule());
        original = idp.Token("alice-ext-1", now: time.GetUtcNow());
    }

    [Fact]
    public async Task The_unmutated_token_is_valid()
    {
        var (subject, error) = await Validate(original, TokenTypes.AccessToken);
        Assert.Null(error);
        Assert.Equal("alice-ext-1", subject!.Subject);
    }

    [Fact]
    public void Bit_flips_in_any_segment_are_refused_unless_the_decoded_token_is_unchanged()
    {
        var bytes = Encoding.ASCII.GetBytes(original);
        Gen.Select(Gen.Int[0, bytes.Length - 1], Gen.Int[0, 7], Gen.OneOf(TokenTypeUrns)).Sample((position, bit, type) =>
        {
            var mutated = (byte[])bytes.Clone();
            mutated[position] ^= (byte)(1 << bit);
            AssertRefusedUnlessSame(Encoding.Latin1.GetString(mutated), type);
        }, iter: Iterations);
    }

    [Fact]
    public void Truncations_and_splices_are_refused()
    {
        Gen.Select(Gen.Int[0, original.Length - 1], Gen.Int[0, original.Length], Gen.String[Gen.Char["A-Za-z0-9_.=-"], 0, 20], Gen.OneOf(TokenTypeUrns)).Sample((cut, at, insert, type) =>
        {
            AssertRefusedUnlessSame(original[..cut], type);
            AssertRefusedUnlessSame(original[..at] + insert + original[at..], type);
        }, iter: Iterations);
    }

    [Fact]
    public void Random_strings_as_tokens_give_a_typed_error()
    {
        Gen.Select(Gen.String[Gen.Char, 0, 300], Gen.String[Gen.Char["A-Za-z0-9_-"], 0, 200].Array[1, 6], Gen.OneOf(TokenTypeUrns)).Sample((noise, segments, type) =>
        {
            AssertTyped(Run(noise, type));
            AssertTyped(Run(string.Join('.', segments), type));
        }, iter: Iterations);
    }

    [Fact]
    public void Correctly_signed_tokens_with_random_headers_and_claims_give_a_typed_error_or_a_valid_subject()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var json = JsonValue(now);
        var claims = Gen.Select(json, json, json, json, json, json, json, json).Select((exp, nbf, iat, aud, iss, sub, emailVerified, azp) =>
            new Dictionary<string, object?> { ["exp"] = exp, ["nbf"] = nbf, ["iat"] = iat, ["aud"] = aud, ["iss"] = iss, ["sub"] = sub, ["email_verified"] = emailVerified, ["azp"] = azp });
        var header = Gen.Select(Gen.OneOf<object?>("ES256", "none", "HS256", "RS256", "es256", 256, null), Gen.OneOf<object?>(idp.EcKey.KeyId, "other", "", 7, null),
            Gen.OneOf<object?>("JWT", "at+jwt", "application/at+jwt", null, 1), Gen.OneOf<object?>(null, new[] { "exp" }, "exp", Array.Empty<string>()));
        Gen.Select(claims, header, Gen.OneOf(TokenTypeUrns)).Sample((payload, h, type) =>
        {
            var (alg, kid, typ, crit) = h;
            var head = new Dictionary<string, object?> { ["alg"] = alg, ["kid"] = kid, ["typ"] = typ, ["crit"] = crit }
                .Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
            var input = Base64UrlEncoder.Encode(JsonSerializer.Serialize(head)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload.Where(p => p.Value is not null).ToDictionary()));
            var signature = idp.EcKey.ECDsa.SignData(Encoding.ASCII.GetBytes(input), System.Security.Cryptography.HashAlgorithmName.SHA256);
            var (subject, error) = Run(input + "." + Base64UrlEncoder.Encode(signature), type);
            AssertTyped((subject, error));
            if (subject is not null)
            {
                // Accepted only what a valid token is: our algorithm, issuer and audience, a sane unexpired exp.
                Assert.Equal("ES256", alg);
                Assert.Equal(idp.Issuer, subject.Issuer);
                Assert.NotEmpty(subject.Subject);
                Assert.True(subject.ExpiresAt > time.GetUtcNow().AddSeconds(-30));
                Assert.True(subject.ExpiresAt <= time.GetUtcNow().AddHours(1).AddSeconds(30));
                Assert.Equal(payload["email_verified"] is true, subject.EmailVerified);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Random_requests_to_the_front_doors_rules_give_a_typed_error_or_an_exchange()
    {
        var authorizer = new ExchangePipeline(new ExchangeLimits());
        var definitions = Definitions();
        var text = Gen.OneOf(Gen.String[Gen.Char, 0, 40], Gen.OneOf("orders", "orders-secret-0123456789abcdef", "api", "openid", "partner", "https://orders.example",
            TokenTypes.AccessToken, TokenTypes.IdToken, "urn:ietf:params:oauth:token-type:JWT", "", "\u0000", "\uFFFD", new string('x', 2000)));
        var optional = Gen.OneOf(text.Select(t => (string?)t), Gen.Const((string?)null));
        var request = Gen.Select(optional, optional, optional, optional, optional, optional, optional, text.Array[0, 4]).Select((clientId, secret, token, type, handler, requested, actor, many) => new ExchangeRequest
        {
            ClientId = clientId,
            ClientSecret = secret,
            SubjectToken = token,
            SubjectTokenType = type,
            TokenHandler = handler,
            RequestedTokenType = requested,
            ActorToken = actor,
            ActorTokenType = actor is null ? null : type,
            Scopes = many,
            Audiences = many.Take(2).ToArray(),
            Resources = many.Skip(2).ToArray(),
        });
        request.Sample(r =>
        {
            var (exchange, error) = authorizer.Authorize(r, definitions);
            Assert.True(exchange is null != (error is null));
            if (error is not null) Assert.Contains(error.Code, OAuthCodes);
            else Assert.True(ParameterText.IsClean(exchange!.SubjectToken) && exchange.Scopes.All(ParameterText.IsClean));
        }, iter: Iterations * 2);
    }

    /// <summary>Numbers of every size, strings, booleans, arrays, objects and null, around now.</summary>
    private Gen<object?> JsonValue(long now) => Gen.OneOf<object?>(
        Gen.Long[now - 7200, now + 7200].Select(v => (object?)v),
        Gen.Long.Select(v => (object?)v),
        Gen.Double.Select(v => (object?)(double.IsFinite(v) ? v : 0.5)),
        Gen.OneOf<object?>(idp.Issuer, TestIdp.DefaultAudience, "alice-ext-1", "true", "", true, false, null,
            new[] { TestIdp.DefaultAudience, "other" }, new object[] { true }, new Dictionary<string, object> { ["nested"] = 1 }, now + 600, now - 600, 253402300800L));

    private void AssertRefusedUnlessSame(string token, string type)
    {
        var (subject, error) = Run(token, type);
        AssertTyped((subject, error));
        if (subject is not null) Assert.Equal(Decoded(original), Decoded(token));
    }

    private static string Decoded(string token)
    {
        try
        {
            return string.Join('|', token.Split('.').Select(s => Convert.ToHexString(Base64UrlEncoder.DecodeBytes(s))));
        }
        catch (FormatException)
        {
            return "undecodable";
        }
    }

    private static void AssertTyped((ValidatedSubject? Subject, OAuthError? Error) outcome)
    {
        Assert.True(outcome.Subject is null != (outcome.Error is null));
        if (outcome.Error is { } error)
        {
            Assert.Contains(error.Code, OAuthCodes);
            Assert.False(string.IsNullOrWhiteSpace(error.Description));
        }
    }

    private (ValidatedSubject?, OAuthError?) Run(string token, string type) => Validate(token, type).GetAwaiter().GetResult();

    private ValueTask<(ValidatedSubject? Subject, OAuthError? Error)> Validate(string token, string type) =>
        implementation.ValidateAsync(new AuthorizedExchange
        {
            App = new AppDefinition { ClientId = "orders" },
            Enablement = new HandlerAppEnablement { ClientId = "orders" },
            HandlerName = "partner",
            SubjectToken = token,
            SubjectTokenType = type,
            RequestedTokenType = TokenTypes.AccessToken,
        }, CancellationToken.None);

    private static DefinitionSnapshot Definitions() => new(
        1,
        [new AppDefinition
        {
            ClientId = "orders", SecretHashes = [ClientSecretHasher.Hash("orders-secret-0123456789abcdef")], TokenExchangeEnabled = true,
            AllowedScopes = ["api", "openid"], AllowedAudiences = ["https://orders.example"],
        }],
        [new HandlerDefinition
        {
            Name = "partner", AcceptedTokenTypes = [TokenTypes.AccessToken, TokenTypes.Jwt],
            Enablements = [new HandlerAppEnablement { ClientId = "orders", Default = true }],
        }]);
}
