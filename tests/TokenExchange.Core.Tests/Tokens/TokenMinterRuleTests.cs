using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;

namespace TokenExchange.Core.Tests.Tokens;

/// <summary>
/// <see cref="TokenMinter"/>'s claim rules claim by claim: the audience's form (a string for one, an array for
/// several, RFC 7519 section 4.1.3), only the times the minter sets, and a requested refresh token issued as
/// the RFC 8693 access_token (issue 18).
/// </summary>
public sealed class TokenMinterRuleTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly UserRecord Alice = new() { Id = "u-alice", Username = "alice" };

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TokenMinter minter;

    public TokenMinterRuleTests() => minter = new TokenMinter(new FixedKeys(new SigningKeyRing([SigningKey.Generate()])), new ClusterIssuer("https://tx.test"), time);

    private static AuthorizedExchange Exchange(string[] audiences, string requested = TokenTypes.AccessToken) => new()
    {
        App = new AppDefinition
        {
            ClientId = "orders-service",
            TokenExchangeEnabled = true,
            AllowedScopes = ["api"],
            AllowedAudiences = audiences,
            AccessToken = new AccessTokenPolicy { Lifetime = Lifetime },
        },
        Enablement = new HandlerAppEnablement { ClientId = "orders-service", Default = true },
        HandlerName = "partner-idp",
        SubjectToken = "subject.token.value",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = requested,
        Scopes = ["api"],
        Audiences = audiences,
    };

    private static JsonElement Payload(string token) => JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(token).EncodedPayload)).RootElement;

    [Fact]
    public void One_audience_is_a_string()
    {
        var aud = Payload(minter.Mint(Exchange(["https://orders.example"]), Alice, subjectExpires: null).AccessToken).GetProperty("aud");

        Assert.Equal(JsonValueKind.String, aud.ValueKind);
        Assert.Equal("https://orders.example", aud.GetString());
    }

    [Fact]
    public void Several_audiences_are_an_array()
    {
        var aud = Payload(minter.Mint(Exchange(["https://a.example", "https://b.example"]), Alice, subjectExpires: null).AccessToken).GetProperty("aud");

        Assert.Equal(JsonValueKind.Array, aud.ValueKind);
        Assert.Equal(["https://a.example", "https://b.example"], aud.EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void Tokens_carry_only_the_times_the_minter_sets()
    {
        // iat and exp from the injected clock; no nbf (the handler's default times would read the machine's clock).
        var tokens = minter.Mint(Exchange(["https://orders.example"], TokenTypes.AccessToken) with { Scopes = ["api", "openid"] }, Alice, subjectExpires: null);

        foreach (var token in new[] { tokens.AccessToken, tokens.IdToken! })
        {
            var payload = Payload(token);
            Assert.False(payload.TryGetProperty("nbf", out _));
            Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), payload.GetProperty("iat").GetInt64());
            Assert.Equal((time.GetUtcNow() + Lifetime).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
        }
    }

    [Fact]
    public void A_requested_refresh_token_is_issued_as_the_access_token_with_its_own_expiry()
    {
        var refresh = ("rt-opaque-1", time.GetUtcNow() + TimeSpan.FromHours(8));

        var tokens = minter.Mint(Exchange(["https://orders.example"], TokenTypes.RefreshToken), Alice, subjectExpires: null, refreshToken: refresh);

        Assert.Equal("rt-opaque-1", tokens.AccessToken);
        Assert.Equal(TokenTypes.RefreshToken, tokens.IssuedTokenType);
        Assert.Equal("N_A", tokens.TokenType);
        Assert.Equal(8 * 3600, tokens.ExpiresIn);
        Assert.Null(tokens.RefreshToken);
        Assert.Equal("api", tokens.Scope);
    }

    [Fact]
    public void A_refresh_token_alongside_an_access_token_is_the_refresh_token()
    {
        var refresh = ("rt-opaque-1", time.GetUtcNow() + TimeSpan.FromHours(8));

        var tokens = minter.Mint(Exchange(["https://orders.example"]), Alice, subjectExpires: null, refreshToken: refresh);

        Assert.Equal("rt-opaque-1", tokens.RefreshToken);
        Assert.Equal(TokenTypes.AccessToken, tokens.IssuedTokenType);
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal((long)Lifetime.TotalSeconds, tokens.ExpiresIn);
        Assert.NotEqual("rt-opaque-1", tokens.AccessToken);
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring => ring;
    }
}
