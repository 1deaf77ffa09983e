using Microsoft.Extensions.Time.Testing;
using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Exchange.Rules;
using TokenExchange.Silo.Limits;

namespace TokenExchange.Grains.Tests.Silo.Limits;

/// <summary>
/// What each step of <see cref="BudgetedAuthentication"/> spends: the budgets read before authentication never spend an
/// app's request budget, and only a refused client assertion of an app that authenticates with assertions spends the
/// app's invalid-token budget at its address.
/// </summary>
public sealed class BudgetOrderTests
{
    private const string Address = "192.0.2.7";

    private static readonly ClientAssertion Assertion = new(ClientAssertion.JwtBearer, "a.b.c", []);

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly RateLimits limits;

    public BudgetOrderTests() => limits = new RateLimits(new RateLimitOptions(), clock, metrics: null);

    private static AppDefinition App(string method) => new()
    {
        ClientId = "app-" + method,
        TokenEndpointAuthMethod = method,
        RateLimits = new RateLimitPolicy { RequestsPerSecond = 1, InvalidTokensPerMinute = 1 },
    };

    [Fact]
    public void The_budgets_before_authentication_never_spend_the_named_apps_request_budget()
    {
        var app = App(ClientAuthMethods.PrivateKeyJwt);

        for (var i = 0; i < 10; i++) Assert.Null(limits.Admit(app, Address, checkInvalidTokens: true));

        Assert.Null(limits.AdmitAuthenticated(app));
        Assert.NotNull(limits.AdmitAuthenticated(app));
    }

    [Fact]
    public void A_refused_assertion_of_an_assertion_app_spends_its_invalid_token_budget_at_that_address_only()
    {
        var app = App(ClientAuthMethods.PrivateKeyJwt);

        limits.RefusedAssertion(app, Assertion, Errors.InvalidClient(ClientAuthentication.Failed, "private_key_jwt: jti used before"), Address);

        Assert.Equal(OAuthErrorCodes.TemporarilyUnavailable, limits.Admit(app, Address, checkInvalidTokens: true)?.Code);
        Assert.Null(limits.Admit(app, Address, checkInvalidTokens: false));
        Assert.Null(limits.Admit(app, "192.0.2.8", checkInvalidTokens: true));
    }

    [Fact]
    public void Keys_that_cannot_be_fetched_wrong_secrets_and_assertions_an_app_never_verifies_spend_nothing()
    {
        var assertionApp = App(ClientAuthMethods.PrivateKeyJwt);
        var secretApp = App(ClientAuthMethods.ClientSecretPost);

        limits.RefusedAssertion(assertionApp, Assertion, Errors.TemporarilyUnavailable("the client's keys cannot be fetched now; try again", "down"), Address);
        limits.RefusedAssertion(assertionApp, assertion: null, Errors.InvalidClient(ClientAuthentication.Failed, "client_assertion missing"), Address);
        limits.RefusedAssertion(assertionApp, Assertion, authenticationError: null, Address);
        limits.RefusedAssertion(secretApp, Assertion, Errors.InvalidClient(ClientAuthentication.Failed, "client_assertion presented by an app that does not authenticate with one"), Address);
        limits.RefusedAssertion(null, Assertion, Errors.InvalidClient(ClientAuthentication.Failed, "unknown client_id"), Address);

        Assert.Null(limits.Admit(assertionApp, Address, checkInvalidTokens: true));
        Assert.Null(limits.Admit(secretApp, Address, checkInvalidTokens: true));
        Assert.Equal(0, limits.InvalidTokens.Count);
    }

    [Fact]
    public void The_named_app_is_a_registered_one()
    {
        var app = App(ClientAuthMethods.PrivateKeyJwt);
        var snapshot = new DefinitionSnapshot(1, [app], []);

        Assert.Same(app, RateLimits.NamedApp(snapshot, app.ClientId));
        Assert.Null(RateLimits.NamedApp(snapshot, "nobody"));
        Assert.Null(RateLimits.NamedApp(snapshot, null));
    }
}
