using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Clients;
using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Proofs;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Proofs;
using TokenExchange.Testing;

namespace TokenExchange.Core.Tests.Clients;

/// <summary>
/// <see cref="ClientAuthenticator"/>: a secret or a certificate as <c>ClientAuthentication</c> decides; a client assertion
/// presented rightly, its claims, its signature by the app's keys or its federated issuer's, its jti once in the cluster
/// (purpose client_assertion, by issuer); keys or a store that cannot answer are temporarily_unavailable; each assertion
/// counted by kind and outcome.
/// </summary>
public sealed class ClientAuthenticatorTests : IDisposable
{
    private const string Endpoint = "https://tx.example/oauth2/token";
    private const string K8sIssuer = "https://kubernetes.default.svc.cluster.local";
    private const string ServiceAccount = "system:serviceaccount:shop:orders";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly AssertionKey appKey = new();
    private readonly TestIdp kubernetes = new(K8sIssuer);
    private readonly FakeTimeProvider time = new(Now);
    private readonly InMemoryOneTimeUseStore store = new();
    private readonly Keys keys;
    private readonly TestMeterFactory meters = new();
    private readonly MetricCollector<long> counted;
    private readonly ClientAuthenticator authenticator;
    private readonly DefinitionSnapshot definitions;

    public ClientAuthenticatorTests()
    {
        keys = new Keys(new StaticKeySource([appKey.Key]), new StaticKeySource([kubernetes.EcKey]));
        counted = new(meters, TokenExchangeTelemetry.Name, TokenExchangeMetrics.ClientAssertionsName);
        authenticator = new ClientAuthenticator(keys, store, time, new TokenExchangeMetrics(meters));
        definitions = new DefinitionSnapshot(1,
        [
            new AppDefinition
            {
                ClientId = "orders",
                TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
                ClientAssertions = new ClientAssertionPolicy
                {
                    Jwks = appKey.Jwks,
                    FederatedCredentials = [new FederatedCredential { Issuer = K8sIssuer, Subject = ServiceAccount, Audience = "token-exchange" }],
                },
            },
            new AppDefinition
            {
                ClientId = "once",
                TokenEndpointAuthMethod = ClientAuthMethods.PrivateKeyJwt,
                ClientAssertions = new ClientAssertionPolicy { FederatedCredentials = [new FederatedCredential { Issuer = K8sIssuer, Subject = ServiceAccount, Audience = "token-exchange", OneTimeUse = true }] },
            },
            Exchange.Rules.RuleFixtures.App("secret-app"),
        ], []);
    }

    public void Dispose() => meters.Dispose();

    /// <summary>The keys the authenticator is given, and which of them it asked for.</summary>
    private sealed class Keys(IKeySource app, IKeySource issuer) : IClientAssertionKeys
    {
        public List<string> Asked { get; } = [];
        public Exception? Fail { get; set; }

        public IKeySource ForApp(AppDefinition definition)
        {
            Asked.Add("app " + definition.ClientId);
            return Fail is null ? app : new Failing(Fail);
        }

        public IKeySource ForIssuer(FederatedCredential credential)
        {
            Asked.Add("issuer " + credential.Issuer);
            return Fail is null ? issuer : new Failing(Fail);
        }

        private sealed class Failing(Exception e) : IKeySource
        {
            public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) => ValueTask.FromException<IReadOnlyList<SecurityKey>>(e);
        }
    }

    private string Own(string audience = Endpoint, IDictionary<string, object?>? claims = null) => appKey.Assertion("orders", audience, Now, claims: claims);

    private string ServiceAccountToken() => kubernetes.Token(ServiceAccount, "token-exchange", now: Now, expiresIn: TimeSpan.FromHours(1));

    private ValueTask<(AppDefinition? App, OAuthError? Error)> Authenticate(string? clientId, string? token, string? secret = null, string type = ClientAssertion.JwtBearer) =>
        authenticator.AuthenticateAsync(definitions, clientId, secret, requireSecret: false, null, token is null ? null : new ClientAssertion(type, token, [Endpoint]), CancellationToken.None);

    private static void Refused((AppDefinition? App, OAuthError? Error) result, string reason, string code = OAuthErrorCodes.InvalidClient)
    {
        Assert.Null(result.App);
        Assert.Equal(code, result.Error?.Code);
        Assert.Equal(reason, result.Error!.Reason);
        if (code == OAuthErrorCodes.InvalidClient) Assert.Equal("client authentication failed", result.Error.Description);
    }

    private (string Kind, string Outcome)[] Counted() =>
        [.. counted.GetMeasurementSnapshot().Select(m => ((string)m.Tags["kind"]!, (string)m.Tags["outcome"]!))];

    [Fact]
    public async Task Without_an_assertion_a_secret_app_authenticates_by_its_secret_and_nothing_is_counted()
    {
        var (app, error) = await Authenticate("secret-app", null, Exchange.Rules.RuleFixtures.Secret);

        Assert.Null(error);
        Assert.Equal("secret-app", app!.ClientId);
        Assert.Empty(Counted());
    }

    [Fact]
    public async Task Without_an_assertion_an_assertion_app_is_refused() => Refused(await Authenticate("orders", null), "client_assertion missing");

    [Fact]
    public async Task The_apps_own_assertion_authenticates_it_once()
    {
        var token = Own();

        var (app, error) = await Authenticate("orders", token);
        var again = await Authenticate("orders", token);

        Assert.Null(error);
        Assert.Same(definitions.Apps["orders"], app);
        Assert.Equal(["app orders", "app orders"], keys.Asked);
        Refused(again, "private_key_jwt: jti used before");
        var (stored, until) = Assert.Single(store.Used);
        Assert.Equal(OneTimeUseKey.For(ClientAuthenticator.ReplayPurpose, "orders", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Id), stored);
        Assert.Equal(Now + TimeSpan.FromMinutes(1) + ClientAssertionClaims.ClockSkew, until);
        Assert.Equal([("private_key_jwt", "authenticated"), ("private_key_jwt", "replayed")], Counted());
        Assert.Equal("client_assertion", ClientAuthenticator.ReplayPurpose);
    }

    [Fact]
    public async Task A_reusable_federated_token_is_checked_against_its_issuers_keys_and_not_remembered()
    {
        var token = ServiceAccountToken();

        var first = await Authenticate("orders", token);
        var second = await Authenticate("orders", token);

        Assert.Equal("orders", first.App?.ClientId);
        Assert.Equal("orders", second.App?.ClientId);
        Assert.Equal(["issuer " + K8sIssuer, "issuer " + K8sIssuer], keys.Asked);
        Assert.Empty(store.Used);
        Assert.Equal([("federated", "authenticated"), ("federated", "authenticated")], Counted());
    }

    [Fact]
    public async Task A_one_time_federated_token_is_remembered_by_its_issuer_and_jti()
    {
        var token = ServiceAccountToken();

        Assert.Null((await Authenticate("once", token)).Error);
        Refused(await Authenticate("once", token), "federated: jti used before");
        Assert.Equal(OneTimeUseKey.For("client_assertion", K8sIssuer, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Id), Assert.Single(store.Used).Key);
    }

    [Fact]
    public async Task An_assertion_signed_by_another_key_is_refused()
    {
        Refused(await Authenticate("orders", new AssertionKey().Assertion("orders", Endpoint, Now)), "private_key_jwt: the signature does not verify with the app's keys (SecurityTokenSignatureKeyNotFoundException)");
        Refused(await Authenticate("orders", new TestIdp(K8sIssuer).Token(ServiceAccount, "token-exchange", now: Now)), "federated: the signature does not verify with the issuer's keys (SecurityTokenSignatureKeyNotFoundException)");
        Assert.Equal([("private_key_jwt", "invalid"), ("federated", "invalid")], Counted());
        Assert.Empty(store.Used);
    }

    [Fact]
    public async Task A_token_without_typ_as_the_API_server_issues_them_is_verified()
    {
        // A Kubernetes service account token's header is {"alg":"RS256","kid":...}: no typ.
        var header = Base64UrlEncoder.Encode($$"""{"alg":"ES256","kid":"{{kubernetes.EcKey.KeyId}}"}""");
        var payload = Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = K8sIssuer,
            ["sub"] = ServiceAccount,
            ["aud"] = new[] { "token-exchange" },
            ["iat"] = Now.ToUnixTimeSeconds(),
            ["nbf"] = Now.ToUnixTimeSeconds(),
            ["exp"] = Now.AddHours(1).ToUnixTimeSeconds(),
        }));
        var signature = kubernetes.EcKey.ECDsa.SignData(System.Text.Encoding.ASCII.GetBytes(header + "." + payload), System.Security.Cryptography.HashAlgorithmName.SHA256);
        var token = header + "." + payload + "." + Base64UrlEncoder.Encode(signature);

        var (app, error) = await Authenticate("orders", token);

        Assert.Null(error);
        Assert.Equal("orders", app!.ClientId);
    }

    [Fact]
    public async Task A_tampered_signature_is_refused()
    {
        var parts = Own().Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[5] ^= 0x01;

        Refused(await Authenticate("orders", parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature)), "private_key_jwt: the signature does not verify with the app's keys (SecurityTokenInvalidSignatureException)");
    }

    [Fact]
    public async Task Claims_are_checked_before_keys_are_fetched()
    {
        Refused(await Authenticate("orders", Own("https://elsewhere.example")), "private_key_jwt: aud names neither this cluster's issuer nor this endpoint");

        Assert.Empty(keys.Asked);
        Assert.Equal([("private_key_jwt", "invalid")], Counted());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nobody")]
    public async Task An_unknown_client_is_refused(string? clientId)
    {
        Refused(await Authenticate(clientId, Own()), "unknown client_id");
        Assert.Equal([("unknown", "invalid")], Counted());
    }

    [Fact]
    public async Task An_assertion_presented_wrongly_is_refused_before_it_is_read()
    {
        Refused(await Authenticate("orders", Own(), secret: "a-secret"), "client_secret presented together with a client_assertion");
        Refused(await Authenticate("secret-app", Own()), "client_assertion presented by an app that does not authenticate with one");

        Assert.Empty(keys.Asked);
        Assert.Equal([("unknown", "invalid"), ("unknown", "invalid")], Counted());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task What_is_no_JWT_is_refused(string token) => Refused(await Authenticate("orders", token), "client_assertion is not a JWT");

    [Fact]
    public async Task Keys_that_cannot_be_fetched_are_temporarily_unavailable()
    {
        keys.Fail = new KeysUnavailableException("no keys could be fetched from https://keys.example");

        var result = await Authenticate("orders", Own());

        Refused(result, "private_key_jwt: no keys could be fetched from https://keys.example", OAuthErrorCodes.TemporarilyUnavailable);
        Assert.Equal("the client's keys cannot be fetched now; try again", result.Error!.Description);
        Assert.Equal([("private_key_jwt", "unavailable")], Counted());
    }

    [Fact]
    public async Task A_store_that_cannot_record_the_jti_is_temporarily_unavailable()
    {
        store.Forced = OneTimeUse.Unavailable;

        var result = await Authenticate("orders", Own());

        Refused(result, "one-time store partition full", OAuthErrorCodes.TemporarilyUnavailable);
        Assert.Equal("client assertions cannot be checked for replay now; try again", result.Error!.Description);
        Assert.Equal([("private_key_jwt", "unavailable")], Counted());
    }

    [Fact]
    public async Task Time_is_this_silos_clock_never_the_system_clock()
    {
        var past = new DateTimeOffset(2020, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var then = new ClientAuthenticator(keys, store, new FakeTimeProvider(past));

        var (app, error) = await then.AuthenticateAsync(definitions, "orders", null, false, null,
            new ClientAssertion(ClientAssertion.JwtBearer, appKey.Assertion("orders", Endpoint, past), [Endpoint]), CancellationToken.None);

        Assert.Null(error);
        Assert.Equal("orders", app!.ClientId);
    }

    [Fact]
    public async Task Time_is_this_silos_clock()
    {
        var token = Own();
        time.Advance(TimeSpan.FromMinutes(1) + ClientAssertionClaims.ClockSkew);

        Refused(await Authenticate("orders", token), "private_key_jwt: expired (exp)");
    }
}
