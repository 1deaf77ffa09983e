using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Handlers;

/// <summary>
/// How long a jwt handler's verified tokens live: as long as its trust settings (a recompile for any other change keeps
/// them, a trust change starts empty), and a token only while the key that verified it is still in the IdP's JWKS.
/// </summary>
public sealed class HandlerRuntimeTests : IDisposable
{
    private const string JwksUri = "https://idp.test.example/jwks.json";

    private readonly TestIdp idp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestMeterFactory meters = new();
    private readonly MetricCollector<long> lookups;
    private readonly MetricCollector<long> evictions;
    private readonly JwksHttpHandler jwks;
    private readonly HttpClient http;
    private readonly HandlerRuntime runtime;
    private string? jwksOverride;
    private long version;

    public HandlerRuntimeTests()
    {
        jwks = new JwksHttpHandler(() => jwksOverride ?? idp.Jwks());
        http = new HttpClient(jwks);
        var metrics = new TokenExchangeMetrics(meters);
        lookups = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.validation.cache.lookups");
        evictions = new MetricCollector<long>(meters, TokenExchangeTelemetry.Name, "tokenexchange.validation.cache.evictions");
        var compiler = new HandlerCompiler(http, null, new JwksCachePolicy(), HandlerTypeCatalog.Empty, time, NullLoggerFactory.Instance, metrics);
        runtime = new HandlerRuntime(compiler, NullLogger<HandlerRuntime>.Instance);
    }

    public void Dispose()
    {
        lookups.Dispose();
        evictions.Dispose();
        meters.Dispose();
        http.Dispose();
        jwks.Dispose();
    }

    private static HandlerDefinition Handler(Func<JwtTrust, JwtTrust>? change = null) => new()
    {
        Name = "partner-idp",
        AcceptedTokenTypes = [TokenTypes.Jwt],
        Trust = (change ?? (t => t))(new JwtTrust { Issuer = "https://idp.test.example", JwksUri = JwksUri, Audiences = [TestIdp.DefaultAudience], Algorithms = ["ES256"] }),
    };

    private CompiledHandler Apply(HandlerDefinition definition)
    {
        runtime.Update(new DefinitionSnapshot(++version, [], [definition]));
        return runtime.Get(definition.Name)!;
    }

    private static AuthorizedExchange Exchange(string token, string? actorToken = null) => new()
    {
        App = new AppDefinition { ClientId = "orders" },
        Enablement = new HandlerAppEnablement { ClientId = "orders" },
        HandlerName = "partner-idp",
        SubjectToken = token,
        SubjectTokenType = TokenTypes.Jwt,
        RequestedTokenType = TokenTypes.AccessToken,
        ActorToken = actorToken,
        ActorTokenType = actorToken is null ? null : TokenTypes.Jwt,
    };

    private static async Task<OAuthError?> Validate(CompiledHandler handler, string token) =>
        (await handler.Implementation.ValidateAsync(Exchange(token), CancellationToken.None)).Error;

    private string Token(Microsoft.IdentityModel.Tokens.SecurityKey? key = null) => idp.Token(now: time.GetUtcNow(), key: key);

    private string[] Lookups() => [.. lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!)];

    [Fact]
    public async Task A_recompile_that_keeps_the_trust_keeps_the_verified_tokens()
    {
        var first = Apply(Handler());
        var token = Token();
        Assert.Null(await Validate(first, token));

        var relabelled = Apply(Handler() with { Label = "Partner", Enablements = [new HandlerAppEnablement { ClientId = "billing" }] });
        Assert.Null(await Validate(relabelled, token));

        Assert.NotSame(first, relabelled);
        Assert.NotNull(first.VerifiedTokens);
        Assert.Same(first.VerifiedTokens, relabelled.VerifiedTokens);
        Assert.Equal(["miss", "hit"], Lookups());
    }

    [Theory]
    [InlineData("audiences")]
    [InlineData("issuer")]
    [InlineData("algorithms")]
    [InlineData("clockSkew")]
    [InlineData("authorizedParties")]
    [InlineData("validationCache")]
    public async Task A_trust_change_starts_an_empty_cache(string setting)
    {
        var first = Apply(Handler());
        var token = Token();
        Assert.Null(await Validate(first, token));

        var changed = Apply(Handler(t => setting switch
        {
            "audiences" => t with { Audiences = [TestIdp.DefaultAudience, "another"] },
            "issuer" => t with { Issuer = "https://idp.test.example/" },
            "algorithms" => t with { Algorithms = ["ES256", "RS256"] },
            "clockSkew" => t with { ClockSkew = TimeSpan.FromSeconds(1) },
            "authorizedParties" => t with { AuthorizedParties = ["orders-web"] },
            _ => t with { ValidationCache = new ValidationCachePolicy { MaxEntries = 10 } },
        }));
        await Validate(changed, token);

        Assert.NotSame(first.VerifiedTokens, changed.VerifiedTokens);
        Assert.Equal(["miss", "miss"], Lookups());
    }

    [Fact]
    public async Task Max_entries_zero_turns_the_cache_off()
    {
        var handler = Apply(Handler(t => t with { ValidationCache = new ValidationCachePolicy { MaxEntries = 0 } }));
        var token = Token();

        Assert.Null(await Validate(handler, token));
        Assert.Null(await Validate(handler, token));

        Assert.Null(handler.VerifiedTokens);
        Assert.Empty(Lookups());
    }

    [Fact]
    public async Task A_token_whose_key_left_the_idps_jwks_is_refused_once_the_keys_are_refetched()
    {
        var handler = Apply(Handler());
        var old = Token();
        Assert.Null(await Validate(handler, old));
        Assert.Null(await Validate(handler, old));

        // The IdP rotates and stops publishing the old key; a token under the new kid makes this silo refetch.
        var next = idp.Rotate();
        var document = System.Text.Json.Nodes.JsonNode.Parse(idp.Jwks())!;
        var keys = document["keys"]!.AsArray();
        foreach (var gone in keys.Where(k => (string?)k!["kid"] != next.KeyId).ToList()) keys.Remove(gone);
        jwksOverride = document.ToJsonString();
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await Validate(handler, Token(next)));

        var refused = await Validate(handler, old);

        Assert.Equal(OAuthErrorCodes.InvalidRequest, refused?.Code);
        Assert.Equal(JwtSubjectTokenValidator.SignatureFailure, refused?.Description);
        Assert.Equal(["miss", "hit", "miss", "miss"], Lookups());
        Assert.Equal(["key_removed"], evictions.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!));
    }

    [Fact]
    public async Task A_token_whose_key_is_still_published_after_a_refetch_stays_a_hit()
    {
        var handler = Apply(Handler());
        var old = Token();
        Assert.Null(await Validate(handler, old));

        var next = idp.Rotate();
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await Validate(handler, Token(next)));
        Assert.Null(await Validate(handler, old));

        Assert.Equal(2, jwks.Requests);
        Assert.Equal(["miss", "miss", "hit"], Lookups());
    }

    [Fact]
    public async Task An_actor_token_presented_again_is_a_hit_too()
    {
        var handler = Apply(Handler());
        var exchange = Exchange(Token(), actorToken: Token());

        var (first, firstError) = await ActorTokenValidation.ValidateAsync(handler.Implementation, exchange, CancellationToken.None);
        var (second, secondError) = await ActorTokenValidation.ValidateAsync(handler.Implementation, exchange, CancellationToken.None);

        Assert.Null(firstError);
        Assert.Null(secondError);
        Assert.Equal(first!.Subject, second!.Subject);
        Assert.Equal(["miss", "hit"], Lookups());
    }
}
