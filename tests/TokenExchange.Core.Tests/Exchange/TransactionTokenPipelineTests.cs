using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Core.Handlers;
using TokenExchange.Core.Tests.Exchange.Rules;
using TokenExchange.Definitions;
using TokenExchange.Diagnostics;
using TokenExchange.Exchange;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange;

/// <summary>
/// Transaction tokens through the pipeline (draft-ietf-oauth-transaction-tokens-10): each rule in its place, an
/// issuance through the handler and the subject session, a replacement without either.
/// </summary>
public sealed class TransactionTokenPipelineTests : IDisposable
{
    private const string Domain = "trust.example";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserRecord Alice = new() { Id = "u-alice", FederationId = "alice" };

    private readonly FakeTimeProvider time = new(Now);
    private readonly TestMeterFactory meters = new();
    private readonly FakeHandlerImplementation implementation = new();
    private readonly Sessions sessions = new();
    private readonly TransactionTokens transactionTokens;
    private readonly ExchangePipeline pipeline;
    private readonly TokenMinter minter;
    private readonly CompiledHandler handler;
    private readonly DefinitionSnapshot definitions;

    public TransactionTokenPipelineTests()
    {
        var keys = new FixedKeys(new SigningKeyRing([SigningKey.Generate()]));
        transactionTokens = new TransactionTokens(keys, new ClusterIssuer("https://tx.test"), time, Domain);
        pipeline = new ExchangePipeline(new ExchangeLimits(), transactionTokens);
        minter = new TokenMinter(keys, new ClusterIssuer("https://tx.test"), time);
        handler = new CompiledHandler(new HandlerDefinition { Name = "partner-idp" }, implementation, new TokenExchangeMetrics(meters));
        var policy = new TransactionTokenPolicy { Issue = true, Replace = true };
        definitions = new DefinitionSnapshot(1,
        [
            App("gateway") with { AllowedScopes = ["trade", "read", "offline_access"], TransactionTokens = policy with { Replace = false }, RefreshTokens = new RefreshTokenPolicy { Enabled = true } },
            App("inventory") with { AllowedScopes = ["trade", "read"], TransactionTokens = policy with { Issue = false } },
            App("ledger") with { AllowedScopes = ["read"], TransactionTokens = policy with { Issue = false } },
            App("bystander") with { AllowedScopes = ["trade", "read"] },
        ],
        [Handler("partner-idp", Enable("gateway", isDefault: true), Enable("bystander", isDefault: true), Enable("inventory", isDefault: true))]);
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", Now.AddMinutes(5), new() { ["scope"] = "trade read", ["amr"] = "mfa" }), null);
    }

    public void Dispose() => meters.Dispose();

    private static ExchangeRequest Issue(string clientId = "gateway") => new()
    {
        ClientId = clientId,
        ClientSecret = Secret,
        SubjectToken = "subject.token.value",
        SubjectTokenType = TokenTypes.AccessToken,
        RequestedTokenType = TokenTypes.TxnToken,
        Scopes = ["trade"],
        Audiences = [Domain],
        RequestDetails = """{"action":"BUY"}""",
        RequestContext = """{"ua":"curl"}""",
        ClientAddress = "192.0.2.7",
    };

    private static ExchangeRequest Replace(string token, string clientId = "inventory", params string[] scopes) => new()
    {
        ClientId = clientId,
        ClientSecret = Secret,
        SubjectToken = token,
        SubjectTokenType = "txn_token",
        RequestedTokenType = "txn_token",
        Scopes = scopes.Length > 0 ? scopes : ["trade"],
        Audiences = [Domain],
    };

    private async Task<ExchangeOutcome> Exchange(ExchangeRequest request)
    {
        var authorization = pipeline.Authorize(request, definitions);
        if (authorization.Error is { } refused) return ExchangeOutcome.Failure(refused);
        return authorization.Exchange!.Transaction is { Kind: TransactionTokenKind.Replace }
            ? await pipeline.ReplaceAsync(authorization.Exchange)
            : await pipeline.ExchangeAsync(authorization.Exchange, handler, sessions, minter, CancellationToken.None);
    }

    private async Task<string> Issued()
    {
        var outcome = await Exchange(Issue());
        Assert.Null(outcome.Error);
        return outcome.Tokens!.AccessToken;
    }

    [Fact]
    public async Task An_issuance_validates_the_subject_resolves_the_user_and_mints_a_txn_token_without_refresh()
    {
        var outcome = await Exchange(Issue() with { Scopes = ["trade", "offline_access"] });

        AssertError(outcome.Error, OAuthErrorCodes.InvalidScope, "scope 'offline_access' is wider than the subject token's");

        outcome = await Exchange(Issue());

        Assert.Null(outcome.Error);
        Assert.Equal("u-alice", outcome.UserId);
        Assert.Equal(TransactionTokenRecord.Issued, outcome.Transaction!.Action);
        Assert.Equal(TokenTypes.TxnToken, outcome.Tokens!.IssuedTokenType);
        Assert.Null(outcome.Tokens.RefreshToken);
        var asked = Assert.Single(sessions.Asked);
        Assert.Null(asked.Refresh);
        var jwt = new JsonWebToken(outcome.Tokens.AccessToken);
        Assert.Equal(outcome.Transaction.TransactionId, jwt.GetPayloadValue<string>("txn"));
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal("gateway", jwt.GetPayloadValue<string>("req_wl"));
        Assert.Equal("""{"action":"BUY"}""", jwt.GetPayloadValue<JsonElement>("tctx").GetRawText());
        Assert.Equal("""{"ua":"curl","req_ip":"192.0.2.7","authn":"mfa"}""", jwt.GetPayloadValue<JsonElement>("rctx").GetRawText());
    }

    [Fact]
    public async Task Offline_access_never_makes_a_txn_token_refreshable()
    {
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", Now.AddMinutes(5), new() { ["scope"] = "trade offline_access" }), null);

        var authorization = pipeline.Authorize(Issue() with { Scopes = ["trade", "offline_access"] }, definitions);

        Assert.False(authorization.Exchange!.IssueRefreshToken);
        var outcome = await pipeline.ExchangeAsync(authorization.Exchange, handler, sessions, minter, CancellationToken.None);
        Assert.Null(outcome.Tokens!.RefreshToken);
        Assert.Null(Assert.Single(sessions.Asked).Refresh);
    }

    [Fact]
    public async Task A_refused_subject_ends_an_issuance_before_the_session()
    {
        implementation.Answers["subject.token.value"] = (null, Errors.InvalidRequest("subject_token has expired"));

        var outcome = await Exchange(Issue());

        AssertError(outcome.Error, OAuthErrorCodes.InvalidRequest, "subject_token has expired");
        Assert.Empty(sessions.Asked);
    }

    [Fact]
    public async Task A_scope_beyond_the_subject_tokens_ends_an_issuance_before_the_session()
    {
        var outcome = await Exchange(Issue() with { Scopes = ["trade", "read"] });
        Assert.Null(outcome.Error);
        implementation.Answers["subject.token.value"] = (FakeHandlerImplementation.Subject("alice", Now.AddMinutes(5), new() { ["scope"] = "read" }), null);
        sessions.Asked.Clear();

        outcome = await Exchange(Issue());

        AssertError(outcome.Error, OAuthErrorCodes.InvalidScope, "scope 'trade' is wider than the subject token's");
        Assert.Empty(sessions.Asked);
    }

    [Fact]
    public async Task A_refused_user_ends_an_issuance()
    {
        sessions.Refusal = Errors.InvalidGrant("the user is disabled");

        AssertError((await Exchange(Issue())).Error, OAuthErrorCodes.InvalidGrant, "the user is disabled");
    }

    [Fact]
    public async Task Two_hops_replace_it_keeping_txn_and_sub_narrowing_and_recording_each_requester()
    {
        var issued = new JsonWebToken(await Issued());
        time.Advance(TimeSpan.FromSeconds(5));

        var first = await Exchange(Replace(issued.EncodedToken, "inventory", "trade", "read"));
        AssertError(first.Error, OAuthErrorCodes.InvalidScope, "scope 'read' is wider than the transaction token's: a replacement may only narrow it");
        first = await Exchange(Replace(issued.EncodedToken, "inventory", "trade"));
        Assert.Null(first.Error);
        var second = await Exchange(Replace(first.Tokens!.AccessToken, "ledger", "read"));
        AssertError(second.Error, OAuthErrorCodes.InvalidScope, "scope 'read' is wider than the transaction token's: a replacement may only narrow it");

        var wide = await Exchange(Issue() with { Scopes = ["trade", "read"] });
        first = await Exchange(Replace(wide.Tokens!.AccessToken, "inventory", "read", "trade"));
        second = await Exchange(Replace(first.Tokens!.AccessToken, "ledger", "read"));

        Assert.Null(second.Error);
        Assert.Equal("u-alice", second.UserId);
        Assert.Equal(new TransactionTokenRecord(TransactionTokenRecord.Replaced, wide.Transaction!.TransactionId), second.Transaction);
        var jwt = new JsonWebToken(second.Tokens!.AccessToken);
        Assert.Equal(wide.Transaction.TransactionId, jwt.GetPayloadValue<string>("txn"));
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal("read", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal("ledger", jwt.GetPayloadValue<string>("req_wl"));
        Assert.Equal("""["gateway","inventory"]""", jwt.GetPayloadValue<JsonElement>("rctx").GetProperty("req_wl_chain").GetRawText());
        Assert.Null(second.Tokens.RefreshToken);
        Assert.Single(sessions.Asked.Skip(1));
        Assert.Equal(2, implementation.Validated.Count(v => v.Transaction!.Kind == TransactionTokenKind.Issue));
    }

    [Fact]
    public async Task A_replacement_is_authorized_without_a_handler_or_the_session()
    {
        var token = await Issued();
        sessions.Asked.Clear();
        implementation.Validated.Clear();

        var authorization = pipeline.Authorize(Replace(token), definitions);

        Assert.Null(authorization.Error);
        Assert.Equal("", authorization.Exchange!.HandlerName);
        Assert.Equal([Domain], authorization.Exchange.Audiences);
        Assert.Equal(["trade"], authorization.Exchange.Scopes);
        Assert.False(authorization.Exchange.IssueRefreshToken);
        Assert.Null((await pipeline.ReplaceAsync(authorization.Exchange)).Error);
        Assert.Empty(sessions.Asked);
        Assert.Empty(implementation.Validated);
    }

    [Fact]
    public async Task An_expired_txn_token_is_not_replaced()
    {
        var token = await Issued();
        time.Advance(TimeSpan.FromSeconds(60));

        AssertError((await Exchange(Replace(token))).Error, OAuthErrorCodes.InvalidRequest, "the transaction token has expired");
    }

    [Fact]
    public async Task A_forged_txn_token_is_not_replaced()
    {
        var token = await Issued();
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        AssertError((await Exchange(Replace(forged))).Error, OAuthErrorCodes.InvalidRequest, "subject_token is not a valid transaction token of this trust domain");
    }

    [Theory]
    [InlineData("gateway", "this client may not replace transaction tokens")]
    [InlineData("bystander", "this client may not replace transaction tokens")]
    public async Task Only_apps_allowed_to_replace_replace(string clientId, string description) =>
        AssertError((await Exchange(Replace(await Issued(), clientId))).Error, OAuthErrorCodes.UnauthorizedClient, description);

    [Theory]
    [InlineData("inventory")]
    [InlineData("bystander")]
    public async Task Only_apps_allowed_to_be_issued_are_issued(string clientId) =>
        AssertError((await Exchange(Issue(clientId))).Error, OAuthErrorCodes.UnauthorizedClient, "this client may not be issued transaction tokens");

    [Fact]
    public async Task A_replacements_scope_is_also_one_the_app_allows() =>
        AssertError((await Exchange(Replace(await Issued(), "ledger", "trade"))).Error, OAuthErrorCodes.InvalidScope, "scope 'trade' is not allowed for this client");

    [Fact]
    public async Task The_audience_is_the_trust_domain()
    {
        AssertError((await Exchange(Issue() with { Audiences = ["https://gateway.example"] })).Error, OAuthErrorCodes.InvalidTarget,
            "a transaction token's audience is the trust domain 'trust.example', and only it");
        AssertError((await Exchange(Replace(await Issued()) with { Audiences = [Domain, "https://inventory.example"] })).Error, OAuthErrorCodes.InvalidTarget,
            "a transaction token's audience is the trust domain 'trust.example', and only it");
    }

    [Fact]
    public async Task A_txn_token_declared_as_an_access_token_reaches_no_handler()
    {
        var token = await Issued();
        implementation.Validated.Clear();

        var outcome = await Exchange(Issue() with { SubjectToken = token, RequestedTokenType = null, RequestDetails = null, RequestContext = null });

        AssertError(outcome.Error, OAuthErrorCodes.InvalidRequest, "subject_token is a transaction token: it is accepted only as subject_token_type txn_token, to be replaced");
        Assert.Empty(implementation.Validated);
    }

    [Fact]
    public void The_form_is_checked_before_the_client_is_authenticated()
    {
        var authorization = pipeline.Authorize(Issue() with { ClientSecret = "wrong", Scopes = [] }, definitions);

        AssertError(authorization.Error, OAuthErrorCodes.InvalidRequest, "scope is required for a transaction token: the transaction's purpose");
        AssertError(pipeline.Authorize(Issue() with { ClientSecret = "wrong", RequestDetails = "[]" }, definitions).Error, OAuthErrorCodes.InvalidRequest,
            "request_details must be a JSON object, nested at most 8 deep");
        AssertError(pipeline.Authorize(Issue() with { ClientSecret = "wrong" }, definitions).Error, OAuthErrorCodes.InvalidClient, "client authentication failed");
    }

    [Fact]
    public void Without_a_transaction_token_service_none_is_issued_or_replaced()
    {
        var without = new ExchangePipeline(new ExchangeLimits());

        AssertError(without.Authorize(Issue(), definitions).Error, OAuthErrorCodes.InvalidRequest, "this server does not issue transaction tokens");
        AssertError(without.Authorize(Replace("a.b.c"), definitions).Error, OAuthErrorCodes.InvalidRequest, "this server does not issue transaction tokens");
        Assert.Null(without.Authorize(Issue() with { RequestedTokenType = null, RequestDetails = null, RequestContext = null, Audiences = [] }, definitions).Error);
    }

    [Fact]
    public void An_ordinary_exchange_carries_no_transaction()
    {
        var authorization = pipeline.Authorize(Issue("bystander") with { RequestedTokenType = null, RequestDetails = null, RequestContext = null, Audiences = [], Scopes = ["read"] }, definitions);

        Assert.Null(authorization.Error);
        Assert.Null(authorization.Exchange!.Transaction);
        Assert.Equal(["https://bystander.example"], authorization.Exchange.Audiences);
    }

    [Fact]
    public void An_issuance_carries_its_checked_context_and_the_callers_address()
    {
        var authorization = pipeline.Authorize(Issue() with { RequestDetails = "{ \"a\" : 1 }" }, definitions);

        Assert.Equal(new TransactionTokenRequest { Kind = TransactionTokenKind.Issue, Details = """{"a":1}""", Context = """{"ua":"curl"}""", RequesterAddress = "192.0.2.7" },
            authorization.Exchange!.Transaction);
        Assert.Equal("partner-idp", authorization.Exchange.HandlerName);
        Assert.Equal([Domain], authorization.Exchange.Audiences);
        Assert.Equal(TokenTypes.TxnToken, authorization.Exchange.RequestedTokenType);
    }

    private sealed class Sessions : ISubjectSessions
    {
        public List<SubjectUserRequest> Asked { get; } = [];
        public OAuthError? Refusal { get; set; }

        public ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
        {
            Asked.Add(request);
            return ValueTask.FromResult(Refusal is null ? new UserResolution(Alice, null) : new UserResolution(null, Refusal));
        }

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = ring;
    }
}
