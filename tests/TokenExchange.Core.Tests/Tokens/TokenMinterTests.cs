using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

public sealed class TokenMinterTests
{
    private const string Issuer = "https://tx.test";
    private const string Audience = "https://orders.example";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly SigningKeyRing ring = new([SigningKey.Generate()]);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TokenMinter minter;
    private readonly DateTimeOffset now;

    private static readonly UserRecord Alice = new()
    {
        Id = "u-alice",
        Username = "alice@example.com",
        Email = "alice@example.com",
        DisplayName = "Alice Example",
        FederationId = "alice-ext-1",
    };

    public TokenMinterTests()
    {
        minter = new TokenMinter(new FixedKeys(ring), new ClusterIssuer(Issuer), time);
        now = time.GetUtcNow();
    }

    private static AuthorizedExchange Exchange(string[]? scopes = null, string[]? audiences = null, string requested = TokenTypes.AccessToken, bool mayOutlive = false) => new()
    {
        App = new AppDefinition
        {
            ClientId = "orders-service",
            TokenExchangeEnabled = true,
            AllowedScopes = ["api", "openid"],
            AllowedAudiences = [Audience],
            AccessToken = new AccessTokenPolicy { Lifetime = Lifetime, MayOutliveSubjectToken = mayOutlive },
        },
        Enablement = new HandlerAppEnablement { ClientId = "orders-service", Default = true },
        HandlerName = "partner-idp",
        SubjectToken = "subject.token.value",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = requested,
        Scopes = scopes ?? ["api"],
        Audiences = audiences ?? [Audience],
    };

    /// <summary>Verifies a token with the ring's published public key only; lifetime is checked by the tests against the fake clock.</summary>
    private async Task<JsonWebToken> Verify(string token, string audience, string? type = null)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = audience,
            IssuerSigningKey = ring.Current.PublicJwk,
            ValidAlgorithms = SigningKey.Algorithms,
            ValidateLifetime = false,
        };
        if (type is not null) parameters.ValidTypes = [type];
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        Assert.True(result.IsValid, result.Exception?.ToString());
        return Assert.IsType<JsonWebToken>(result.SecurityToken);
    }

    private static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    [Fact]
    public async Task Access_token_is_an_rfc9068_jwt_signed_by_the_current_key()
    {
        var tokens = minter.Mint(Exchange(), Alice, now + TimeSpan.FromHours(1));

        var jwt = await Verify(tokens.AccessToken, Audience, TokenMinter.AccessTokenJwtType);

        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(ring.Current.KeyId, jwt.Kid);
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal([Audience], jwt.Audiences);
        Assert.Equal("orders-service", jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal("api", jwt.GetPayloadValue<string>("scope"));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(Unix(now), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(Unix(now + Lifetime), jwt.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task A_certificate_bound_exchange_gets_the_rfc8705_cnf_claim_and_an_unbound_one_none()
    {
        var thumbprint = new string('T', 43);

        var bound = await Verify(minter.Mint(Exchange() with { CertificateThumbprint = thumbprint }, Alice, null).AccessToken, Audience);
        var unbound = await Verify(minter.Mint(Exchange(), Alice, null).AccessToken, Audience);

        Assert.True(bound.TryGetPayloadValue<System.Text.Json.JsonElement>("cnf", out var cnf));
        Assert.Equal(thumbprint, cnf.GetProperty("x5t#S256").GetString());
        Assert.False(unbound.TryGetPayloadValue<object>("cnf", out _));
    }

    [Fact]
    public void Response_fields_describe_a_bearer_access_token()
    {
        var tokens = minter.Mint(Exchange(), Alice, now + TimeSpan.FromHours(1));

        Assert.Equal(TokenTypes.AccessToken, tokens.IssuedTokenType);
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal((long)Lifetime.TotalSeconds, tokens.ExpiresIn);
        Assert.Equal("api", tokens.Scope);
        Assert.Null(tokens.RefreshToken);
        Assert.Null(tokens.IdToken);
    }

    [Fact]
    public async Task Token_ids_are_unique()
    {
        var first = await Verify(minter.Mint(Exchange(), Alice, null).AccessToken, Audience);
        var second = await Verify(minter.Mint(Exchange(), Alice, null).AccessToken, Audience);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Several_scopes_are_space_separated()
    {
        var tokens = minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, null);

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.Equal("api openid", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal("api openid", tokens.Scope);
    }

    [Fact]
    public async Task No_scope_means_no_scope_claim()
    {
        var tokens = minter.Mint(Exchange(scopes: []), Alice, null);

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.False(jwt.TryGetPayloadValue<string>("scope", out _));
        Assert.Null(tokens.Scope);
    }

    [Fact]
    public async Task Several_audiences_are_all_in_the_token()
    {
        var tokens = minter.Mint(Exchange(audiences: ["https://a.example", "https://b.example"]), Alice, null);

        var jwt = await Verify(tokens.AccessToken, "https://b.example");
        Assert.Equal(["https://a.example", "https://b.example"], jwt.Audiences);
    }

    [Fact]
    public async Task Expiry_is_capped_at_the_subject_token_expiry()
    {
        var subjectExpires = now + TimeSpan.FromMinutes(2);

        var tokens = minter.Mint(Exchange(), Alice, subjectExpires);

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.Equal(Unix(subjectExpires), jwt.GetPayloadValue<long>("exp"));
        Assert.Equal(120, tokens.ExpiresIn);
    }

    [Fact]
    public async Task Expiry_is_not_capped_when_the_policy_lets_tokens_outlive_the_subject_token()
    {
        var tokens = minter.Mint(Exchange(mayOutlive: true), Alice, now + TimeSpan.FromMinutes(2));

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.Equal(Unix(now + Lifetime), jwt.GetPayloadValue<long>("exp"));
        Assert.Equal((long)Lifetime.TotalSeconds, tokens.ExpiresIn);
    }

    [Fact]
    public async Task Subject_expiring_after_the_lifetime_does_not_extend_it()
    {
        var tokens = minter.Mint(Exchange(), Alice, now + TimeSpan.FromDays(1));

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.Equal(Unix(now + Lifetime), jwt.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task Subject_that_expired_within_the_clock_skew_never_yields_a_token_that_outlives_it()
    {
        var subjectExpires = now - TimeSpan.FromSeconds(10);

        var tokens = minter.Mint(Exchange(), Alice, subjectExpires);

        var jwt = await Verify(tokens.AccessToken, Audience);
        Assert.True(jwt.GetPayloadValue<long>("exp") <= Unix(subjectExpires));
        Assert.Equal(0, tokens.ExpiresIn);
    }

    [Fact]
    public async Task Id_token_is_issued_with_openid_and_is_for_the_client()
    {
        var tokens = minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, null);

        var idToken = await Verify(Assert.IsType<string>(tokens.IdToken), "orders-service");
        Assert.Equal("u-alice", idToken.Subject);
        Assert.Equal(["orders-service"], idToken.Audiences);
        Assert.Equal("alice@example.com", idToken.GetPayloadValue<string>("preferred_username"));
        Assert.Equal("alice@example.com", idToken.GetPayloadValue<string>("email"));
        Assert.Equal("Alice Example", idToken.GetPayloadValue<string>("name"));
        Assert.Equal(Unix(now + Lifetime), idToken.GetPayloadValue<long>("exp"));
        Assert.NotEqual("at+jwt", idToken.Typ);
    }

    [Fact]
    public void No_id_token_without_openid()
    {
        Assert.Null(minter.Mint(Exchange(scopes: ["api"]), Alice, null).IdToken);
    }

    [Fact]
    public async Task Requested_id_token_is_issued_as_the_token_with_type_n_a()
    {
        var tokens = minter.Mint(Exchange(scopes: ["openid"], requested: TokenTypes.IdToken), Alice, null);

        Assert.Equal(TokenTypes.IdToken, tokens.IssuedTokenType);
        Assert.Equal("N_A", tokens.TokenType);
        Assert.Null(tokens.IdToken);
        var jwt = await Verify(tokens.AccessToken, "orders-service");
        Assert.Equal("u-alice", jwt.Subject);
        Assert.False(jwt.TryGetPayloadValue<string>("client_id", out _));
    }

    [Fact]
    public async Task Requested_jwt_is_a_bearer_access_token_of_type_jwt()
    {
        var tokens = minter.Mint(Exchange(requested: TokenTypes.Jwt), Alice, null);

        Assert.Equal(TokenTypes.Jwt, tokens.IssuedTokenType);
        Assert.Equal("Bearer", tokens.TokenType);
        await Verify(tokens.AccessToken, Audience, TokenMinter.AccessTokenJwtType);
    }

    [Fact]
    public async Task Tokens_are_signed_by_the_first_key_of_the_ring()
    {
        var newer = SigningKey.Generate();
        var ringOfTwo = new SigningKeyRing([newer, ring.Current]);
        var tokens = new TokenMinter(new FixedKeys(ringOfTwo), new ClusterIssuer(Issuer), time).Mint(Exchange(), Alice, null);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = newer.PublicJwk,
            ValidateLifetime = false,
        });

        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal(newer.KeyId, ((JsonWebToken)result.SecurityToken).Kid);
    }

    [Fact]
    public async Task A_refresh_familys_delegation_limit_caps_the_token_even_where_the_policy_lets_it_outlive_the_subject()
    {
        var limit = now + TimeSpan.FromMinutes(2);

        var token = await Verify(minter.Mint(Exchange(mayOutlive: true), Alice, null, notAfter: limit).AccessToken, Audience);

        Assert.Equal(Unix(limit), Unix(new DateTimeOffset(token.ValidTo, TimeSpan.Zero)));
    }

    [Fact]
    public async Task The_access_token_names_its_subject_session_and_the_id_token_does_not()
    {
        var tokens = minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, null, sessionId: "session-id-1");

        var access = await Verify(tokens.AccessToken, Audience);
        Assert.Equal("session-id-1", access.GetPayloadValue<string>("sid"));
        Assert.False(new JsonWebToken(tokens.IdToken!).TryGetPayloadValue<string>("sid", out _));
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring => ring;
    }
}
