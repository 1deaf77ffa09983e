using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Tokens;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Tokens;

/// <summary>The transaction token service's minting and verification (draft-ietf-oauth-transaction-tokens-10).</summary>
public sealed class TransactionTokensTests
{
    private const string Issuer = "https://tx.test";
    private const string Domain = "trust.example";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private readonly SigningKeyRing ring = new([SigningKey.Generate()]);
    private readonly TransactionTokens tokens;

    public TransactionTokensTests() => tokens = new TransactionTokens(new FixedKeys(ring), new ClusterIssuer(Issuer), time, Domain);

    private static AuthorizedExchange Issue(string? details = "{\"action\":\"BUY\",\"qty\":100}", string? context = null, TimeSpan? lifetime = null, bool mayOutlive = false) => Authorized(App() with
    {
        TransactionTokens = new TransactionTokenPolicy { Issue = true, Replace = true, Lifetime = lifetime ?? TimeSpan.FromSeconds(60) },
        AccessToken = new AccessTokenPolicy { MayOutliveSubjectToken = mayOutlive },
    }) with
    {
        RequestedTokenType = TokenTypes.TxnToken,
        Scopes = ["trade", "read"],
        Audiences = [Domain],
        Transaction = new TransactionTokenRequest { Kind = TransactionTokenKind.Issue, Details = details, Context = context, RequesterAddress = "192.0.2.7" },
    };

    private static AuthorizedExchange Replacement(string clientId, string[] scopes, TimeSpan? lifetime = null) => Authorized(App(clientId) with
    {
        TransactionTokens = new TransactionTokenPolicy { Replace = true, Lifetime = lifetime ?? TimeSpan.FromSeconds(60) },
    }) with
    {
        HandlerName = "",
        SubjectTokenType = TokenTypes.TxnToken,
        RequestedTokenType = TokenTypes.TxnToken,
        Scopes = scopes,
        Audiences = [Domain],
        Transaction = new TransactionTokenRequest { Kind = TransactionTokenKind.Replace },
    };

    [Fact]
    public void An_issued_token_carries_the_drafts_claims_and_header()
    {
        var (issued, transactionId) = tokens.Issue(Issue(), "u-alice", null, "mfa");

        Assert.Equal(TokenTypes.TxnToken, issued.IssuedTokenType);
        Assert.Equal("N_A", issued.TokenType);
        Assert.Null(issued.RefreshToken);
        Assert.Null(issued.IdToken);
        Assert.Equal(60, issued.ExpiresIn);
        Assert.Equal("trade read", issued.Scope);
        var jwt = new JsonWebToken(issued.AccessToken);
        Assert.Equal("txntoken+jwt", jwt.Typ);
        Assert.Equal(ring.Current.KeyId, jwt.Kid);
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal([Domain], jwt.Audiences);
        Assert.Equal(Now.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(Now.AddSeconds(60).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.Equal(transactionId, jwt.GetPayloadValue<string>("txn"));
        Assert.True(Guid.TryParse(transactionId, out _));
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal("trade read", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal("orders", jwt.GetPayloadValue<string>("req_wl"));
        Assert.Equal("""{"action":"BUY","qty":100}""", jwt.GetPayloadValue<JsonElement>("tctx").GetRawText());
        Assert.Equal("""{"req_ip":"192.0.2.7","authn":"mfa"}""", jwt.GetPayloadValue<JsonElement>("rctx").GetRawText());
        Assert.False(jwt.TryGetPayloadValue<object>("client_id", out _));
        Assert.False(jwt.TryGetPayloadValue<object>("jti", out _));
    }

    [Fact]
    public void Each_issuance_is_a_transaction_of_its_own()
    {
        var (_, first) = tokens.Issue(Issue(), "u-alice", null, null);
        var (_, second) = tokens.Issue(Issue(), "u-alice", null, null);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_cluster_is_authoritative_for_what_it_observed_in_rctx()
    {
        var exchange = Issue(details: null, context: """{"req_ip":"10.9.9.9","authn":"face","req_wl_chain":["forged"],"ua":"curl"}""");

        var jwt = new JsonWebToken(tokens.Issue(exchange, "u-alice", null, null).Tokens.AccessToken);

        Assert.Equal("""{"ua":"curl","req_ip":"192.0.2.7"}""", jwt.GetPayloadValue<JsonElement>("rctx").GetRawText());
        Assert.False(jwt.TryGetPayloadValue<object>("tctx", out _));
    }

    [Fact]
    public void Without_anything_observed_or_given_there_is_no_rctx()
    {
        var exchange = Issue(details: null) with { Transaction = new TransactionTokenRequest { Kind = TransactionTokenKind.Issue } };

        var jwt = new JsonWebToken(tokens.Issue(exchange, "u-alice", null, null).Tokens.AccessToken);

        Assert.False(jwt.TryGetPayloadValue<object>("rctx", out _));
    }

    [Fact]
    public void An_issued_token_does_not_outlive_the_subject_token_unless_the_app_allows()
    {
        Assert.Equal(20, tokens.Issue(Issue(), "u", Now.AddSeconds(20), null).Tokens.ExpiresIn);
        Assert.Equal(60, tokens.Issue(Issue(), "u", Now.AddSeconds(90), null).Tokens.ExpiresIn);
        Assert.Equal(60, tokens.Issue(Issue(mayOutlive: true), "u", Now.AddSeconds(20), null).Tokens.ExpiresIn);
        Assert.Equal(60, tokens.Issue(Issue(), "u", Now.AddSeconds(60), null).Tokens.ExpiresIn);
    }

    [Fact]
    public void The_apps_lifetime_is_the_tokens() =>
        Assert.Equal(15, tokens.Issue(Issue(lifetime: TimeSpan.FromSeconds(15)), "u", null, null).Tokens.ExpiresIn);

    [Fact]
    public void The_trust_domain_defaults_to_the_issuer()
    {
        var byIssuer = new TransactionTokens(new FixedKeys(ring), new ClusterIssuer(Issuer), time);

        Assert.Equal(Issuer, byIssuer.TrustDomain);
        Assert.Equal([Issuer], new JsonWebToken(byIssuer.Issue(Issue(), "u", null, null).Tokens.AccessToken).Audiences);
    }

    [Fact]
    public async Task An_issued_token_verifies_and_names_its_transaction()
    {
        var (issued, transactionId) = tokens.Issue(Issue(), "u-alice", null, "mfa");

        var (presented, error) = await tokens.VerifyAsync(issued.AccessToken);

        Assert.Null(error);
        Assert.Equal(transactionId, presented!.TransactionId);
        Assert.Equal("u-alice", presented.Subject);
        Assert.Equal(["trade", "read"], presented.Scopes);
        Assert.Equal(["orders"], presented.CallChain);
        Assert.Equal(Now.AddSeconds(60), presented.ExpiresAt);
        Assert.Equal("""{"action":"BUY","qty":100}""", presented.TransactionContext);
        Assert.Equal("""{"req_ip":"192.0.2.7","authn":"mfa"}""", presented.RequestContext);
    }

    [Fact]
    public async Task A_replacement_keeps_txn_sub_tctx_and_rctx_and_records_the_call_chain()
    {
        var (issued, transactionId) = tokens.Issue(Issue(), "u-alice", null, "mfa");
        var (first, _) = await tokens.VerifyAsync(issued.AccessToken);

        time.Advance(TimeSpan.FromSeconds(10));
        var replaced = tokens.Replace(Replacement("inventory", ["read"]), first!);
        var (second, error) = await tokens.VerifyAsync(replaced.AccessToken);
        time.Advance(TimeSpan.FromSeconds(10));
        var again = new JsonWebToken(tokens.Replace(Replacement("ledger", ["read"]), second!).AccessToken);

        Assert.Null(error);
        Assert.Equal(transactionId, again.GetPayloadValue<string>("txn"));
        Assert.Equal("u-alice", again.Subject);
        Assert.Equal([Domain], again.Audiences);
        Assert.Equal("read", again.GetPayloadValue<string>("scope"));
        Assert.Equal("ledger", again.GetPayloadValue<string>("req_wl"));
        Assert.Equal("""{"action":"BUY","qty":100}""", again.GetPayloadValue<JsonElement>("tctx").GetRawText());
        Assert.Equal("""{"req_ip":"192.0.2.7","authn":"mfa","req_wl_chain":["orders","inventory"]}""", again.GetPayloadValue<JsonElement>("rctx").GetRawText());
        Assert.Equal(Now.AddSeconds(20).ToUnixTimeSeconds(), again.GetPayloadValue<long>("iat"));
        Assert.Equal(["orders", "inventory", "ledger"], (await tokens.VerifyAsync(again.EncodedToken)).Token!.CallChain);
    }

    [Fact]
    public async Task A_replacement_never_outlives_the_token_it_replaces()
    {
        var (issued, _) = tokens.Issue(Issue(), "u-alice", null, null);
        var (presented, _) = await tokens.VerifyAsync(issued.AccessToken);
        time.Advance(TimeSpan.FromSeconds(45));

        var replaced = tokens.Replace(Replacement("inventory", ["read"]), presented!);

        Assert.Equal(15, replaced.ExpiresIn);
        Assert.Equal(Now.AddSeconds(60).ToUnixTimeSeconds(), new JsonWebToken(replaced.AccessToken).GetPayloadValue<long>("exp"));
        Assert.Equal(5, tokens.Replace(Replacement("inventory", ["read"], TimeSpan.FromSeconds(5)), presented!).ExpiresIn);
    }

    [Fact]
    public async Task A_replacement_without_context_has_only_the_chain()
    {
        var exchange = Issue(details: null) with { Transaction = new TransactionTokenRequest { Kind = TransactionTokenKind.Issue } };
        var (presented, _) = await tokens.VerifyAsync(tokens.Issue(exchange, "u", null, null).Tokens.AccessToken);

        var jwt = new JsonWebToken(tokens.Replace(Replacement("inventory", ["read"]), presented!).AccessToken);

        Assert.Null(presented!.TransactionContext);
        Assert.Null(presented.RequestContext);
        Assert.False(jwt.TryGetPayloadValue<object>("tctx", out _));
        Assert.Equal("""{"req_wl_chain":["orders"]}""", jwt.GetPayloadValue<JsonElement>("rctx").GetRawText());
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_one_second_before_it_is_not()
    {
        var (issued, _) = tokens.Issue(Issue(), "u-alice", null, null);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null((await tokens.VerifyAsync(issued.AccessToken)).Error);

        time.Advance(TimeSpan.FromSeconds(1));
        var (presented, error) = await tokens.VerifyAsync(issued.AccessToken);

        Assert.Null(presented);
        AssertError(error, OAuthErrorCodes.InvalidRequest, "the transaction token has expired");
    }

    public static TheoryData<string> Forgeries() => new() { "other key", "at+jwt", "no typ", "other issuer", "other trust domain", "no txn", "no sub", "no scope", "no req_wl", "no exp", "not a jwt", "unsigned" };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Anything_but_the_clusters_own_txn_token_for_its_trust_domain_is_refused(string forgery)
    {
        var token = forgery switch
        {
            "other key" => Signed(SigningKey.Generate()),
            "at+jwt" => Signed(type: "at+jwt"),
            "no typ" => Signed(type: null),
            "other issuer" => Signed(issuer: "https://other.test"),
            "other trust domain" => Signed(audience: "other.example"),
            "no txn" => Signed(without: "txn"),
            "no sub" => Signed(without: "sub"),
            "no scope" => Signed(without: "scope"),
            "no req_wl" => Signed(without: "req_wl"),
            "no exp" => Signed(withoutExpiry: true),
            "not a jwt" => "not-a-jwt",
            _ => string.Join('.', Signed().Split('.')[..2]) + ".",
        };

        var (presented, error) = await tokens.VerifyAsync(token);

        Assert.Null(presented);
        Assert.Equal(OAuthErrorCodes.InvalidRequest, error!.Code);
        Assert.Equal(forgery == "no exp" ? "the transaction token has expired" : "subject_token is not a valid transaction token of this trust domain", error.Description);
    }

    [Fact]
    public async Task A_token_of_a_key_still_published_but_no_longer_current_verifies()
    {
        var old = ring.Current;
        var rotated = new TransactionTokens(new FixedKeys(new SigningKeyRing([SigningKey.Generate(), old])), new ClusterIssuer(Issuer), time, Domain);

        Assert.Null((await rotated.VerifyAsync(Signed(old))).Error);
    }

    /// <summary>A token shaped as the service mints them, with one thing changed.</summary>
    private string Signed(SigningKey? key = null, string? type = "txntoken+jwt", string issuer = Issuer, string audience = Domain, string? without = null, bool withoutExpiry = false)
    {
        var claims = new Dictionary<string, object> { ["aud"] = audience, ["txn"] = "t-1", ["sub"] = "u-alice", ["scope"] = "trade", ["req_wl"] = "orders" };
        if (without is not null) claims.Remove(without);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = Now.UtcDateTime,
            Expires = withoutExpiry ? null : Now.AddSeconds(60).UtcDateTime,
            TokenType = type,
            SigningCredentials = (key ?? ring.Current).Credentials,
            Claims = claims,
        });
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = ring;
    }
}
