using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using static TokenExchange.Core.Tests.Exchange.Rules.RuleFixtures;

namespace TokenExchange.Core.Tests.Exchange.Rules;

public sealed class MintingTests
{
    private static readonly UserRecord Alice = new() { Id = "u-alice", FederationId = "alice" };
    private static readonly string SessionKey = SubjectSessionKey.For("partner-idp", "https://idp.example", "alice");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingStore store = new();
    private readonly TokenMinter minter;

    public MintingTests() => minter = new TokenMinter(new FixedKeys(new SigningKeyRing([SigningKey.Generate()])), new ClusterIssuer("https://tx.test"), time);

    private ValueTask<IssuedTokens> Issue(AuthorizedExchange exchange, DateTimeOffset? subjectExpires = null, string? act = null,
        (string, DateTimeOffset)? refresh = null, DateTimeOffset? notAfter = null) =>
        Minting.IssueAsync(minter, store, exchange, Alice, SessionKeyUtf8.Of(SessionKey), subjectExpires, act, refresh, notAfter, CancellationToken.None);

    [Fact]
    public async Task The_access_token_is_the_users_and_names_the_subject_session()
    {
        var tokens = await Issue(Authorized());

        var jwt = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("u-alice", jwt.Subject);
        Assert.Equal(SubjectSessionKey.SessionId(SessionKey), jwt.GetPayloadValue<string>("sid"));
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task The_access_token_ends_with_the_subject_token_and_never_after_the_limit()
    {
        var now = time.GetUtcNow();

        Assert.Equal(60, (await Issue(Authorized(), subjectExpires: now.AddSeconds(60))).ExpiresIn);
        Assert.Equal(30, (await Issue(Authorized(), notAfter: now.AddSeconds(30))).ExpiresIn);
    }

    [Fact]
    public async Task The_act_claim_and_the_refresh_token_are_issued_with_the_access_token()
    {
        var tokens = await Issue(Authorized(), act: """{"sub":"service","iss":"https://idp.example"}""", refresh: ("refresh-token", time.GetUtcNow().AddHours(1)));

        Assert.Equal("refresh-token", tokens.RefreshToken);
        Assert.True(new JsonWebToken(tokens.AccessToken).TryGetPayloadValue<object>("act", out _));
    }

    [Fact]
    public async Task An_app_asking_for_opaque_access_tokens_gets_a_handle_recorded_for_its_session()
    {
        var app = App() with { AccessToken = new AccessTokenPolicy { Format = OpaqueAccessTokens.Format } };

        var tokens = await Issue(Authorized(app));

        var (key, token) = Assert.Single(store.Stored);
        Assert.Equal(OpaqueAccessTokens.HandleKey(tokens.AccessToken), key);
        Assert.Equal(SessionKey, token.SessionKey);
        Assert.Equal("u-alice", token.UserId);
    }

    private sealed class RecordingStore : IOpaqueTokenStore
    {
        public List<(string Key, OpaqueAccessToken Token)> Stored { get; } = [];

        public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken)
        {
            Stored.Add((handleKey, token));
            return Task.CompletedTask;
        }
    }

    private sealed class FixedKeys(SigningKeyRing ring) : ISigningKeySource
    {
        public SigningKeyRing Ring { get; } = ring;
    }
}
