using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains.Sessions;
using TokenExchange.Grains.Users;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Testing;
using static TokenExchange.Grains.Tests.TestDefinitions;

namespace TokenExchange.Grains.Tests.Users;

/// <summary>
/// Linked identities: an exchange follows the (handler, issuer, subject) link; attribute mapping links an
/// existing user only where the handler says so, on a verified value, and once per handler.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityLinkingTests(ClusterFixture cluster)
{
    /// <summary>A second IdP with its own key; its subjects are chosen by whoever runs it.</summary>
    private static readonly TestIdp OtherIdp = new("https://idp.other.test");

    private GrainUserDirectory Directory => cluster.Service<GrainUserDirectory>(0);

    [Fact]
    public async Task One_subject_at_two_handlers_maps_to_two_users()
    {
        var app = await DefineAppAsync();
        var first = await DefineHandlerAsync(app, Idp, new UserMappingRule());
        var second = await DefineHandlerAsync(app, OtherIdp, new UserMappingRule());
        var subject = Unique("shared-sub");

        var viaFirst = await cluster.ExchangeAsync(0, Request(app, Idp.Token(subject), first));
        var viaSecond = await cluster.ExchangeAsync(1, Request(app, OtherIdp.Token(subject), second));

        Assert.Null(viaFirst.Error);
        Assert.Null(viaSecond.Error);
        Assert.NotEqual(viaFirst.UserId, viaSecond.UserId);
        Assert.Equal([new ExternalIdentity(second, OtherIdp.Issuer, subject)], await cluster.Grains.GetGrain<IUserGrain>(viaSecond.UserId!).GetLinks());
    }

    [Fact]
    public async Task Attribute_mapping_links_an_existing_user_once_per_handler()
    {
        var app = await DefineAppAsync();
        var handler = await DefineHandlerAsync(app, Idp, new UserMappingRule { Claim = "employee_id", Attribute = UserField.FederationId, LinkExisting = true, VerifiedClaims = ["employee_id"] });
        var employee = new UserRecord { Id = Unique("u-emp"), FederationId = Unique("emp") };
        Assert.Null(await Directory.PutAsync(employee));
        var claims = new Dictionary<string, object> { ["employee_id"] = employee.FederationId! };

        var first = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: claims), handler));
        var second = await cluster.ExchangeAsync(1, Request(app, Idp.Token(Unique("sub"), claims: claims), handler));

        Assert.Equal(employee.Id, first.UserId);
        Assert.Single(await cluster.Grains.GetGrain<IUserGrain>(employee.Id).GetLinks());
        Assert.Null(second.Tokens);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, second.Error?.Code);
        Assert.Equal("the user is already linked to another identity of this token handler", second.Error?.Description);
    }

    [Fact]
    public async Task A_claim_the_handler_does_not_declare_verified_never_reaches_an_existing_user()
    {
        var app = await DefineAppAsync();
        var rule = new UserMappingRule { Claim = "preferred_username", Attribute = UserField.Username, LinkExisting = true };
        var handler = await DefineHandlerAsync(app, Idp, rule);
        var ceo = new UserRecord { Id = Unique("u-ceo"), Username = Unique("ceo") + "@corp.example" };
        Assert.Null(await Directory.PutAsync(ceo));
        var claims = new Dictionary<string, object> { ["preferred_username"] = ceo.Username! };

        var outcome = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: claims), handler));

        Assert.Null(outcome.Error);
        Assert.NotEqual(ceo.Id, outcome.UserId);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(ceo.Id).GetLinks());
    }

    [Fact]
    public async Task An_unverified_email_neither_maps_nor_becomes_a_created_users_email()
    {
        var app = await DefineAppAsync();
        var rule = new UserMappingRule { Claim = "email", Attribute = UserField.Username, LinkExisting = true, UserAttributes = new() { Email = "email" } };
        var handler = await DefineHandlerAsync(app, Idp, rule);
        var owner = new UserRecord { Id = Unique("u-owner"), Username = Unique("owner") + "@corp.example" };
        Assert.Null(await Directory.PutAsync(owner));

        var unverified = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: new Dictionary<string, object> { ["email"] = owner.Username! }), handler));
        var verifiedEmail = Unique("new") + "@corp.example";
        var verified = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: new Dictionary<string, object> { ["email"] = verifiedEmail, ["email_verified"] = true }), handler));

        Assert.Equal(OAuthErrorCodes.InvalidGrant, unverified.Error?.Code);
        Assert.Contains("not verified", unverified.Error?.Description, StringComparison.Ordinal);
        Assert.Null(verified.Error);
        Assert.Equal(verifiedEmail, (await Directory.GetAsync(verified.UserId!))?.Email);
    }

    [Fact]
    public async Task A_created_user_takes_only_the_attributes_the_handler_declares()
    {
        var app = await DefineAppAsync();
        var undeclared = await DefineHandlerAsync(app, Idp, new UserMappingRule());
        var declared = await DefineHandlerAsync(app, OtherIdp, new UserMappingRule { UserAttributes = new() { Username = "preferred_username", DisplayName = "name" } });
        var username = Unique("ceo") + "@corp.example";
        var claims = new Dictionary<string, object> { ["preferred_username"] = username, ["name"] = "Chief", ["email"] = username, ["email_verified"] = true };

        var bare = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: claims), undeclared));
        var named = await cluster.ExchangeAsync(0, Request(app, OtherIdp.Token(Unique("sub"), claims: claims), declared));

        var bareUser = await Directory.GetAsync(bare.UserId!);
        Assert.NotNull(bareUser);
        Assert.Null(bareUser.Username);
        Assert.Null(bareUser.Email);
        Assert.Null(bareUser.DisplayName);
        Assert.Null(bareUser.FederationId);
        var namedUser = await Directory.GetAsync(named.UserId!);
        Assert.Equal(username, namedUser?.Username);
        Assert.Equal("Chief", namedUser?.DisplayName);
        Assert.Null(namedUser?.Email);
    }

    [Theory]
    [InlineData("ali\u200Bce", "control or format character")]
    [InlineData("p\u0430ypal", "mixes scripts")]
    public async Task A_username_that_cannot_be_a_key_fails_the_exchange_with_invalid_grant(string username, string problem)
    {
        var app = await DefineAppAsync();
        var handler = await DefineHandlerAsync(app, Idp, new UserMappingRule { UserAttributes = new() { Username = "preferred_username" } });

        var outcome = await cluster.ExchangeAsync(0, Request(app, Idp.Token(Unique("sub"), claims: new Dictionary<string, object> { ["preferred_username"] = username }), handler));

        Assert.Null(outcome.Tokens);
        Assert.Equal(OAuthErrorCodes.InvalidGrant, outcome.Error?.Code);
        Assert.StartsWith("the subject token's username ", outcome.Error?.Description, StringComparison.Ordinal);
        Assert.Contains(problem, outcome.Error?.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlinking_makes_the_subject_session_forget_its_user()
    {
        var app = await DefineAppAsync();
        var handler = await DefineHandlerAsync(app, Idp, new UserMappingRule());
        var subject = Unique("sub");
        var before = await cluster.ExchangeAsync(0, Request(app, Idp.Token(subject), handler));
        Assert.Equal(before.UserId, (await cluster.ExchangeAsync(1, Request(app, Idp.Token(subject), handler))).UserId);
        var link = new ExternalIdentity(handler, Idp.Issuer, subject);

        Assert.True(await Directory.UnlinkAsync(before.UserId!, link));
        var after = await cluster.ExchangeAsync(1, Request(app, Idp.Token(subject), handler));

        Assert.Null(after.Error);
        Assert.NotEqual(before.UserId, after.UserId);
        Assert.Empty(await cluster.Grains.GetGrain<IUserGrain>(before.UserId!).GetLinks());
        Assert.Equal(after.UserId, await Directory.FindLinkedAsync(link));
    }

    [Fact]
    public async Task A_session_stored_before_links_keeps_its_user_and_records_the_link()
    {
        var app = await DefineAppAsync();
        var handler = await DefineHandlerAsync(app, Idp, new UserMappingRule());
        var legacyUser = new UserRecord { Id = Unique("u-legacy") };
        Assert.Null(await Directory.PutAsync(legacyUser));
        var subject = Unique("sub");
        // What an earlier version stored: the mapped user, without a link.
        var session = cluster.Grains.GetGrain<ISubjectSessionGrain>(SubjectSessionKey.For(handler, Idp.Issuer, subject));
        var storage = cluster.Silos[0].GetRequiredKeyedService<IGrainStorage>(StorageNames.Sessions);
        await storage.WriteStateAsync("session", session.GetGrainId(), new GrainState<SubjectSessionState>(new SubjectSessionState { UserId = legacyUser.Id }));

        var outcome = await cluster.ExchangeAsync(0, Request(app, Idp.Token(subject), handler));

        Assert.Equal(legacyUser.Id, outcome.UserId);
        Assert.Equal(legacyUser.Id, await Directory.FindLinkedAsync(new ExternalIdentity(handler, Idp.Issuer, subject)));
    }

    private async Task<string> DefineAppAsync()
    {
        var app = App(Unique("app"));
        await cluster.Grains.GetGrain<IAppGrain>(app.ClientId).Put(app);
        await cluster.UntilAllCachesAsync(s => s.Apps.ContainsKey(app.ClientId), "the new app in every cache");
        return app.ClientId;
    }

    private async Task<string> DefineHandlerAsync(string app, TestIdp idp, UserMappingRule rule)
    {
        var handler = Handler(Unique("handler"), new HandlerAppEnablement { ClientId = app, AllowUserCreation = true }) with { UserMapping = rule };
        handler = handler with { Trust = handler.Trust with { Issuer = idp.Issuer, InlineJwks = idp.Jwks() } };
        await cluster.Grains.GetGrain<IHandlerDefinitionGrain>(handler.Name).Put(handler);
        await cluster.UntilAllCachesAsync(s => s.Handlers.ContainsKey(handler.Name), "the new handler in every cache");
        return handler.Name;
    }

    private static ExchangeRequest Request(string app, string token, string handler) => new()
    {
        ClientId = app,
        ClientSecret = Secret,
        SubjectToken = token,
        SubjectTokenType = TokenTypes.Jwt,
        TokenHandler = handler,
    };
}
