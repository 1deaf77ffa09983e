using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

/// <summary>
/// <see cref="TokenMinter"/> writes its claims sets itself (issue 15: no descriptor, dictionary and growing stream per
/// token). Each kind of token it mints must keep the exact header and payload bytes IdentityModel's
/// <see cref="SecurityTokenDescriptor"/> path wrote from the same claims: same members in the same order, same JSON
/// types, same escaping. The reference here builds the claims the way the minter used to and lets IdentityModel write them.
/// </summary>
public sealed class TokenMinterPayloadTests
{
    private const string Issuer = "https://tx.test";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly UserRecord Alice = new()
    {
        Id = "u-alice",
        Username = "alice@example.com",
        Email = "alice@example.com",
        // Characters the relaxed encoder escapes (quote, backslash, control) and ones it leaves (HTML, non-ASCII).
        DisplayName = "Zoë \"Al\\ice\" <b>&amp;</b> 'x'+\t\u2028 名前",
    };

    private readonly FixedKeys keys = new(new SigningKeyRing([SigningKey.Generate()]));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, 500, TimeSpan.Zero));
    private readonly TokenMinter minter;

    public TokenMinterPayloadTests() => minter = new TokenMinter(keys, new ClusterIssuer(Issuer), time);

    private DateTimeOffset Now => time.GetUtcNow();

    private static AuthorizedExchange Exchange(string[]? scopes = null, string[]? audiences = null, string requested = TokenTypes.AccessToken) => new()
    {
        App = new AppDefinition
        {
            ClientId = "orders-service",
            TokenExchangeEnabled = true,
            AllowedScopes = ["api", "openid"],
            AllowedAudiences = ["https://orders.example"],
            AccessToken = new AccessTokenPolicy { Lifetime = Lifetime },
        },
        Enablement = new HandlerAppEnablement { ClientId = "orders-service", Default = true },
        HandlerName = "partner-idp",
        SubjectToken = "subject.token.value",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = requested,
        Scopes = scopes ?? ["api"],
        Audiences = audiences ?? ["https://orders.example"],
    };

    [Fact]
    public async Task An_access_token_for_one_audience_with_a_scope()
    {
        var token = minter.Mint(Exchange(), Alice, subjectExpires: null).AccessToken;

        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, Now + Lifetime, Access(token, "https://orders.example", "api"));
    }

    [Fact]
    public async Task An_access_token_for_several_audiences_without_a_scope_capped_at_the_subject_tokens_expiry()
    {
        var subjectExpires = Now + TimeSpan.FromSeconds(90.7);
        var token = minter.Mint(Exchange(scopes: [], audiences: ["https://a.example", "https://b.example"]), Alice, subjectExpires).AccessToken;

        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, subjectExpires, Access(token, new[] { "https://a.example", "https://b.example" }, scope: null));
    }

    [Fact]
    public async Task A_requested_jwt_is_the_same_access_token()
    {
        var token = minter.Mint(Exchange(requested: TokenTypes.Jwt), Alice, subjectExpires: null).AccessToken;

        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, Now + Lifetime, Access(token, "https://orders.example", "api"));
    }

    [Fact]
    public async Task A_delegated_access_token_keeps_the_act_claims_values_and_drops_its_nulls()
    {
        const string act = """
            {"sub":"actor","iss":"https://idp.example","gone":null,"int":42,"negative":-7,"huge":12345678901234567890,"fraction":1.50,
             "exponent":1e2,"yes":true,"no":false,"text":"a\"b\u00e9<\u2028>","list":[1,null,"two",{"deep":[false,null,{}]},[]],
             "act":{"sub":"earlier","iss":"https://idp.example","nested":{"empty":{}}}}
            """;
        var token = minter.Mint(Exchange(), Alice, subjectExpires: null, act: act, sessionId: "sid-1").AccessToken;

        var claims = Access(token, "https://orders.example", "api");
        claims["act"] = JsonObjects.ToDictionary(act);
        claims["sid"] = "sid-1";
        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, Now + Lifetime, claims);
    }

    [Fact]
    public async Task A_DPoP_bound_access_token_names_the_key_in_cnf()
    {
        var token = minter.Mint(Exchange() with { DpopThumbprint = "dpop-thumb" }, Alice, subjectExpires: null).AccessToken;

        var claims = Access(token, "https://orders.example", "api");
        claims["cnf"] = new Dictionary<string, object> { ["jkt"] = "dpop-thumb" };
        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, Now + Lifetime, claims);
    }

    [Fact]
    public async Task A_certificate_and_DPoP_bound_access_token_with_a_session_names_both_in_cnf()
    {
        var exchange = Exchange() with { DpopThumbprint = "dpop-thumb", CertificateThumbprint = "cert-thumb" };
        var token = minter.Mint(exchange, Alice, subjectExpires: null, sessionId: "sid-2").AccessToken;

        var claims = Access(token, "https://orders.example", "api");
        claims["sid"] = "sid-2";
        claims["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = "cert-thumb", ["jkt"] = "dpop-thumb" };
        await AssertSameAsReference(token, TokenMinter.AccessTokenJwtType, Now + Lifetime, claims);
    }

    [Fact]
    public async Task An_id_token_beside_the_access_token_carries_the_users_profile()
    {
        var idToken = minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, subjectExpires: null).IdToken!;

        await AssertSameAsReference(idToken, tokenType: null, Now + Lifetime, new Dictionary<string, object>
        {
            ["sub"] = "u-alice",
            ["aud"] = "orders-service",
            ["preferred_username"] = "alice@example.com",
            ["email"] = "alice@example.com",
            ["name"] = Alice.DisplayName!,
        });
    }

    [Fact]
    public async Task A_requested_id_token_of_a_user_without_a_profile_carries_sub_and_aud_only()
    {
        var idToken = minter.Mint(Exchange(scopes: ["openid"], requested: TokenTypes.IdToken), new UserRecord { Id = "u-bare" }, subjectExpires: null).AccessToken;

        await AssertSameAsReference(idToken, tokenType: null, Now + Lifetime, new Dictionary<string, object> { ["sub"] = "u-bare", ["aud"] = "orders-service" });
    }

    [Fact]
    public async Task After_the_ring_moves_to_an_RS256_key_both_kinds_of_token_carry_its_header_and_signature()
    {
        minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, subjectExpires: null);
        keys.Ring = new SigningKeyRing([SigningKey.Generate(SigningKey.Rs256)]);

        var tokens = minter.Mint(Exchange(scopes: ["api", "openid"]), Alice, subjectExpires: null);

        var claims = Access(tokens.AccessToken, "https://orders.example", "api openid");
        await AssertSameAsReference(tokens.AccessToken, TokenMinter.AccessTokenJwtType, Now + Lifetime, claims);
        await AssertSameAsReference(tokens.IdToken!, tokenType: null, Now + Lifetime, new Dictionary<string, object>
        {
            ["sub"] = "u-alice",
            ["aud"] = "orders-service",
            ["preferred_username"] = "alice@example.com",
            ["email"] = "alice@example.com",
            ["name"] = Alice.DisplayName!,
        });
        Assert.Equal(keys.Ring.Current.KeyId, new JsonWebToken(tokens.AccessToken).Kid);
    }

    /// <summary>The access token's claims in the minter's former order; jti is random, so it is the minted token's.</summary>
    private static Dictionary<string, object> Access(string token, object audience, string? scope)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = "u-alice",
            ["aud"] = audience,
            ["client_id"] = "orders-service",
            ["jti"] = new JsonWebToken(token).Id,
        };
        if (scope is not null) claims["scope"] = scope;
        return claims;
    }

    private async Task AssertSameAsReference(string token, string? tokenType, DateTimeOffset expires, Dictionary<string, object> claims)
    {
        var reference = new JsonWebToken(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = Now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = tokenType,
            SigningCredentials = keys.Ring.Current.Credentials,
            Claims = claims,
        }));
        var minted = new JsonWebToken(token);

        Assert.Equal(Decoded(reference.EncodedHeader), Decoded(minted.EncodedHeader));
        Assert.Equal(Decoded(reference.EncodedPayload), Decoded(minted.EncodedPayload));
        Assert.Equal(reference.EncodedPayload, minted.EncodedPayload);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = keys.Ring.Current.PublicJwk,
        });
        Assert.True(validation.IsValid, validation.Exception?.ToString());
    }

    private static string Decoded(string segment) => Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(segment));

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; set; } = ring;
    }
}
