using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Clients;

/// <summary>
/// <see cref="ClientAssertionClaims"/> check by check (RFC 7523 section 3): each test changes one claim or header of an
/// otherwise good assertion and expects that check's reason; times at the boundary and one second past it.
/// </summary>
public sealed class ClientAssertionClaimsTests
{
    private const string Issuer = "https://tx.example";
    private const string Endpoint = "https://tx.example/oauth2/token";
    private const string K8sIssuer = "https://kubernetes.default.svc.cluster.local";
    private const string ServiceAccount = "system:serviceaccount:shop:orders";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ClientAssertion Presented = new(ClientAssertion.JwtBearer, "", [Issuer, Endpoint, "http://10.0.0.7:8080/oauth2/token"]);

    private static readonly FederatedCredential Reusable = new() { Issuer = K8sIssuer, Subject = ServiceAccount, Audience = "token-exchange" };
    private static readonly FederatedCredential OneTime = new() { Issuer = "https://spire.example", Subject = "spiffe://example.org/orders", OneTimeUse = true };

    private static readonly AppDefinition App = new()
    {
        ClientId = "orders",
        TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
        ClientAssertions = new ClientAssertionPolicy { JwksUri = "https://keys.example/orders", FederatedCredentials = [Reusable, OneTime] },
    };

    private readonly AssertionKey key = new();

    private string Assertion(string audience = Endpoint, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, IDictionary<string, object?>? claims = null, SigningCredentials? signWith = null) =>
        key.Assertion("orders", audience, issuedAt ?? Now, lifetime, claims, signWith);

    private static OAuthError? Check(string token, out AssertionTrust? trust, AppDefinition? app = null, DateTimeOffset? now = null) =>
        ClientAssertionClaims.Check(new JsonWebToken(token), app ?? App, Presented, now ?? Now, out trust);

    private static AssertionTrust Accepted(string token, AppDefinition? app = null, DateTimeOffset? now = null)
    {
        var error = Check(token, out var trust, app, now);
        Assert.Null(error);
        return trust!;
    }

    private static void Refused(string token, string reason, AppDefinition? app = null, DateTimeOffset? now = null)
    {
        var error = Check(token, out var trust, app, now);
        Assert.Null(trust);
        Assert.Equal(OAuthErrorCodes.InvalidClient, error?.Code);
        Assert.Equal("client authentication failed", error!.Description);
        Assert.Equal(reason, error.Reason);
    }

    private static Dictionary<string, object?> Claims(params (string Name, object? Value)[] changes) => changes.ToDictionary(c => c.Name, c => c.Value);

    private string Federated(string issuer = K8sIssuer, string subject = ServiceAccount, string audience = "token-exchange", TimeSpan? lifetime = null, string? jti = "k8s-jti") =>
        key.Assertion("ignored", audience, Now, lifetime ?? TimeSpan.FromHours(1), Claims(("iss", issuer), ("sub", subject), ("jti", jti)));

    [Fact]
    public void A_good_assertion_is_the_apps_own_single_use_and_remembered_until_it_expires_with_the_skew()
    {
        var trust = Accepted(Assertion(lifetime: TimeSpan.FromMinutes(1)));

        Assert.Null(trust.Federated);
        Assert.Equal(AssertionTrust.PrivateKeyJwtKind, trust.Kind);
        Assert.False(string.IsNullOrEmpty(trust.Jti));
        Assert.Equal(Now + TimeSpan.FromMinutes(1) + ClientAssertionClaims.ClockSkew, trust.RememberUntil);
        Assert.Equal(TimeSpan.FromSeconds(30), ClientAssertionClaims.ClockSkew);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.EcdsaSha256)]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    public void Asymmetric_algorithms_are_accepted(string algorithm)
    {
        SecurityKey signing = algorithm.StartsWith("ES", StringComparison.Ordinal) ? key.Key : new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048));

        Accepted(Assertion(signWith: new SigningCredentials(signing, algorithm)));
    }

    [Fact]
    public void An_HMAC_algorithm_is_refused() =>
        Refused(Assertion(signWith: new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256)), "alg HS256 is not an asymmetric signature algorithm");

    [Fact]
    public void Alg_none_is_refused()
    {
        var unsigned = Base64UrlEncoder.Encode("""{"alg":"none"}""") + "." + Assertion().Split('.')[1] + ".";

        Refused(unsigned, "alg none is not an asymmetric signature algorithm");
    }

    [Theory]
    [InlineData("dpop+jwt")]
    [InlineData("DPoP+JWT")]
    [InlineData("txntoken+jwt")]
    [InlineData("at+jwt")]
    public void A_JWT_typed_as_another_of_the_clusters_kinds_is_refused(string typ)
    {
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ,
            Claims = new Dictionary<string, object> { ["iss"] = "orders", ["sub"] = "orders", ["aud"] = Endpoint, ["jti"] = "j", ["iat"] = Now.ToUnixTimeSeconds(), ["exp"] = Now.AddMinutes(1).ToUnixTimeSeconds() },
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.EcdsaSha256),
        });

        Refused(token, $"typ {typ} is not a client assertion's");
    }

    [Theory]
    [InlineData("iss")]
    [InlineData("sub")]
    public void Iss_and_sub_are_required(string claim) => Refused(Assertion(claims: Claims((claim, null))), "iss and sub are required");

    [Theory]
    [InlineData("orders", "payments")]
    [InlineData("payments", "orders")]
    [InlineData(K8sIssuer, "system:serviceaccount:shop:intruder")]
    [InlineData("https://other.example", ServiceAccount)]
    public void Iss_and_sub_must_be_the_client_or_a_federated_credential(string issuer, string subject) =>
        Refused(Assertion(claims: Claims(("iss", issuer), ("sub", subject))), "iss and sub name neither the client nor one of its federated credentials");

    [Fact]
    public void An_app_without_keys_of_its_own_takes_no_assertion_of_its_own()
    {
        var federatedOnly = App with { ClientAssertions = new ClientAssertionPolicy { FederatedCredentials = [Reusable] } };

        Refused(Assertion(), "the app has no keys of its own (jwks or jwksUri) for a private_key_jwt assertion", federatedOnly);
        Accepted(Assertion(), App with { ClientAssertions = new ClientAssertionPolicy { Jwks = "{}" } });
    }

    [Fact]
    public void An_app_without_a_policy_has_neither_keys_nor_credentials()
    {
        var bare = App with { ClientAssertions = null };

        Refused(Assertion(), "the app has no keys of its own (jwks or jwksUri) for a private_key_jwt assertion", bare);
        Refused(Federated(), "iss and sub name neither the client nor one of its federated credentials", bare);
    }

    [Theory]
    [InlineData(Endpoint)]
    [InlineData(Issuer)]
    [InlineData("http://10.0.0.7:8080/oauth2/token")]
    [InlineData("HTTPS://TX.EXAMPLE:443/oauth2/token")]
    [InlineData("https://tx.example/")]
    public void The_audience_is_the_issuer_or_the_endpoint(string audience) => Accepted(Assertion(audience));

    [Theory]
    [InlineData("https://tx.example/oauth2/introspect")]
    [InlineData("https://tx.example/oauth2")]
    [InlineData("orders")]
    [InlineData("token-exchange")]
    public void Another_audience_is_refused(string audience) => Refused(Assertion(audience), "private_key_jwt: aud names neither this cluster's issuer nor this endpoint");

    [Fact]
    public void One_of_several_audiences_is_enough() =>
        Accepted(Assertion(claims: Claims(("aud", new[] { "https://elsewhere.example", Endpoint }))));

    [Fact]
    public void An_assertion_without_aud_is_refused() =>
        Refused(Assertion(claims: Claims(("aud", null))), "private_key_jwt: aud names neither this cluster's issuer nor this endpoint");

    [Fact]
    public void A_federated_credentials_audience_is_the_only_one_it_takes()
    {
        Accepted(Federated(audience: "token-exchange"));
        Refused(Federated(audience: Endpoint), "federated: aud names neither this cluster's issuer nor this endpoint");
    }

    [Fact]
    public void A_federated_credential_without_an_audience_takes_the_clusters()
    {
        Accepted(Federated("https://spire.example", "spiffe://example.org/orders", audience: Endpoint, lifetime: TimeSpan.FromMinutes(5)));
        Refused(Federated("https://spire.example", "spiffe://example.org/orders", audience: "token-exchange", lifetime: TimeSpan.FromMinutes(5)),
            "federated: aud names neither this cluster's issuer nor this endpoint");
    }

    [Fact]
    public void Exp_is_required() => Refused(Assertion(claims: Claims(("exp", null))), "private_key_jwt: exp is required");

    [Fact]
    public void An_assertion_is_good_until_its_exp_and_the_skew()
    {
        var token = Assertion(lifetime: TimeSpan.FromMinutes(1));
        var expires = Now + TimeSpan.FromMinutes(1);

        Accepted(token, now: expires + ClientAssertionClaims.ClockSkew - TimeSpan.FromSeconds(1));
        Refused(token, "private_key_jwt: expired (exp)", now: expires + ClientAssertionClaims.ClockSkew);
    }

    [Fact]
    public void Nbf_may_be_ahead_by_the_skew_only()
    {
        Accepted(Assertion(claims: Claims(("nbf", (Now + ClientAssertionClaims.ClockSkew).ToUnixTimeSeconds()))));
        Refused(Assertion(claims: Claims(("nbf", (Now + ClientAssertionClaims.ClockSkew).ToUnixTimeSeconds() + 1))), "private_key_jwt: not yet valid (nbf)");
    }

    [Fact]
    public void Iat_may_be_ahead_by_the_skew_only()
    {
        Accepted(Assertion(issuedAt: Now + ClientAssertionClaims.ClockSkew));
        Refused(Assertion(issuedAt: Now + ClientAssertionClaims.ClockSkew + TimeSpan.FromSeconds(1)), "private_key_jwt: issued in the future (iat)");
    }

    [Fact]
    public void An_assertion_lives_at_most_five_minutes_after_its_iat()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), ClientAssertionClaims.MaxLifetime);
        Accepted(Assertion(lifetime: TimeSpan.FromMinutes(5)));
        Refused(Assertion(lifetime: TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)), "private_key_jwt: lives longer than 5 minutes");
    }

    [Fact]
    public void With_iat_the_lifetime_counts_from_iat_not_nbf()
    {
        var exp = (Now + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5)).ToUnixTimeSeconds();

        Refused(Assertion(claims: Claims(("nbf", Now.ToUnixTimeSeconds() + 10), ("exp", exp))), "private_key_jwt: lives longer than 5 minutes");
    }

    [Fact]
    public void An_absurd_exp_is_refused_as_too_long_never_an_overflow() =>
        Refused(Assertion(claims: Claims(("exp", long.MaxValue))), "private_key_jwt: lives longer than 5 minutes");

    [Fact]
    public void Without_iat_the_lifetime_counts_from_nbf()
    {
        var exp = (Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();

        Accepted(Assertion(claims: Claims(("iat", null), ("nbf", Now.ToUnixTimeSeconds()), ("exp", exp))));
        Refused(Assertion(claims: Claims(("iat", null), ("nbf", Now.ToUnixTimeSeconds() - 1), ("exp", exp))), "private_key_jwt: lives longer than 5 minutes");
    }

    [Fact]
    public void Without_iat_and_nbf_the_lifetime_counts_from_now()
    {
        var exp = (Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();

        Accepted(Assertion(claims: Claims(("iat", null), ("exp", exp))));
        Refused(Assertion(claims: Claims(("iat", null), ("exp", exp))), "private_key_jwt: lives longer than 5 minutes", now: Now - TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_federated_token_lives_at_most_a_day()
    {
        Assert.Equal(TimeSpan.FromHours(24), ClientAssertionClaims.MaxFederatedLifetime);
        Accepted(Federated(lifetime: TimeSpan.FromHours(24)));
        Refused(Federated(lifetime: TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1)), "federated: lives longer than 1440 minutes");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_jti_is_required(string? jti) =>
        Refused(Assertion(claims: Claims(("jti", jti))), "private_key_jwt: a jti of at most 256 characters is required");

    [Fact]
    public void A_jti_is_at_most_256_characters()
    {
        Assert.Equal(new string('j', 256), Accepted(Assertion(claims: Claims(("jti", new string('j', 256))))).Jti);
        Refused(Assertion(claims: Claims(("jti", new string('j', 257)))), "private_key_jwt: a jti of at most 256 characters is required");
    }

    [Fact]
    public void A_reusable_federated_token_needs_no_jti_and_is_not_remembered()
    {
        var trust = Accepted(Federated(jti: null));

        Assert.Same(Reusable, trust.Federated);
        Assert.Equal(AssertionTrust.FederatedKind, trust.Kind);
        Assert.Null(trust.Jti);
        Assert.Null(Accepted(Federated()).Jti);
    }

    [Fact]
    public void A_one_time_federated_token_needs_its_jti()
    {
        var svid = Federated("https://spire.example", "spiffe://example.org/orders", Endpoint, TimeSpan.FromMinutes(5), jti: "svid-1");

        Assert.Equal("svid-1", Accepted(svid).Jti);
        Assert.Same(OneTime, Accepted(svid).Federated);
        Refused(Federated("https://spire.example", "spiffe://example.org/orders", Endpoint, TimeSpan.FromMinutes(5), jti: null), "federated: a jti of at most 256 characters is required");
    }

    [Fact]
    public void The_kind_is_read_from_iss_and_sub()
    {
        Assert.Equal("private_key_jwt", ClientAssertionClaims.Kind(new JsonWebToken(Assertion()), App));
        Assert.Equal("federated", ClientAssertionClaims.Kind(new JsonWebToken(Assertion(claims: Claims(("sub", "other")))), App));
        Assert.Equal("federated", ClientAssertionClaims.Kind(new JsonWebToken(Assertion(claims: Claims(("iss", "other")))), App));
    }
}
