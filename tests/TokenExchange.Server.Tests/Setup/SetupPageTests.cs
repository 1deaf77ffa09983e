using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Admin;
using TokenExchange.Silo.Admin;
using TokenExchange.Testing;
using static Microsoft.Playwright.Assertions;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>
/// The Setup page in a real browser: sign-in, enabling and disabling an app for a handler with the effect seen
/// over gRPC, creating an app, users, the live view and the Orleans dashboard. Screenshots go to artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SetupPageTests(BrowserFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    private DefinitionAdmin Admin => fixture.Server.Services.GetRequiredService<DefinitionAdmin>();

    [Fact]
    public async Task Nothing_is_visible_before_sign_in_and_a_wrong_admin_key_is_refused()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/setup/handlers/partner-idp");
        Assert.EndsWith("/setup/signin?ReturnUrl=%2Fsetup%2Fhandlers%2Fpartner-idp", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("partner-idp", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.FillAsync("#credential", "not-the-admin-key-not-the-admin-key");
        await page.ClickAsync("#sign-in");
        await Expect(page.Locator("#problems")).ToContainTextAsync("admin credentials are not valid");
        Assert.Contains("/setup/signin", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "tx-setup");
        await fixture.ScreenshotAsync(page, "01-wrong-admin-key");

        // The right key on the same form goes on to the page first asked for.
        await page.FillAsync("#credential", BrowserFixture.AdminKey);
        await page.ClickAsync("#sign-in");
        // Wait for the navigation to commit, not for "load": under a loaded CI machine Playwright once missed the
        // load event of a page that had already arrived; the page's own content is the assertion that retries.
        await page.WaitForURLAsync("**/setup/handlers/partner-idp", new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("h1")).ToContainTextAsync("Handler partner-idp");
        Assert.Contains(await page.Context.CookiesAsync(), c => c is { Name: "tx-setup", HttpOnly: true, SameSite: SameSiteAttribute.Strict });

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Http };
        foreach (var path in new[] { "/setup", "/setup/live", "/dashboard/", "/dashboard/DashboardCounters" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/setup/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Enabling_an_app_lets_its_exchange_succeed_over_grpc_and_disabling_it_refuses_the_next()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        Assert.EndsWith("/setup", page.Url, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "02-handlers-and-apps");

        var refusedBefore = await clients.GrpcFailure(InventoryRequest());
        Assert.Equal(StatusCode.PermissionDenied, refusedBefore.Status);

        await page.ClickAsync("#handlers a:text-is('partner-idp')");
        await Expect(page.Locator("#handler")).ToContainTextAsync("JWKS at " + fixture.Jwks.JwksUri);
        await page.SelectOptionAsync("#enable-client-id", "inventory-service");
        await page.CheckAsync("#enable-app input[name=allowUserCreation]");
        await page.ClickAsync("#enable-app button");
        await Expect(page.Locator("#enabled-apps tr[data-app=inventory-service]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#notice")).ToContainTextAsync("handler 'partner-idp': updated");
        await fixture.ScreenshotAsync(page, "03-app-enabled-for-handler");

        // Every silo's definition cache follows within about a quarter second: poll the outcome, bounded.
        var issued = await Eventually(async () => await TryExchange(), r => r.Response is not null, "the exchange succeeds once enabled");
        Assert.Equal("Bearer", issued.Response!.TokenType);

        await page.ClickAsync("#enabled-apps tr[data-app=inventory-service] button.danger");
        await Expect(page.Locator("#enabled-apps tr[data-app=inventory-service]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#notice")).ToContainTextAsync("handler 'partner-idp': updated");
        await fixture.ScreenshotAsync(page, "04-app-disabled-for-handler");

        var refused = await Eventually(async () => await TryExchange(), r => r.Failure is not null, "the exchange is refused once disabled");
        Assert.Equal(StatusCode.PermissionDenied, refused.Failure!.StatusCode);

        // The live view sees both, cluster-wide, within a report or two.
        await page.GotoAsync("/setup/live");
        var row = page.Locator("#live tr[data-app=inventory-service][data-handler=partner-idp]");
        await Eventually(async () =>
        {
            await page.ReloadAsync();
            return await row.CountAsync() == 1 ? await row.Locator("td.ok").InnerTextAsync() : "0";
        }, ok => int.Parse(ok, System.Globalization.CultureInfo.InvariantCulture) >= 1, "the live view counts the successful exchange");
        Assert.Contains("unauthorized_client", await page.Locator("#live").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 silo(s) reporting", await page.Locator("#live-scope").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "05-live-view");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Creating_an_app_shows_its_secret_once_and_a_refused_app_shows_why()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        var clientId = $"web-portal-{Guid.NewGuid():N}"[..18];

        await page.GotoAsync("/setup/apps/new");
        await page.FillAsync("#Form_ClientId", clientId);
        await page.FillAsync("#Form_AllowedScopes", "api");
        await page.ClickAsync("#new-app button[type=submit]");
        var secret = await page.Locator("#secret-value").InnerTextAsync();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        await fixture.ScreenshotAsync(page, "06-app-created-secret-shown-once");

        await page.GotoAsync($"/setup/apps/{clientId}");
        var content = await page.ContentAsync();
        Assert.DoesNotContain(secret, content, StringComparison.Ordinal);
        Assert.Contains("1: …" + secret[^4..], await page.Locator("#secrets").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "07-app-settings");

        // The secret shown is the one stored (as a hash): enabled for a handler, the app exchanges with it.
        await Admin.PutEnablementAsync("partner-idp", clientId, isDefault: true, allowUserCreation: false);
        await Eventually(async () => await TryExchange(clientId, secret), r => r.Response is not null, "the new app exchanges with its secret");

        await page.GotoAsync("/setup/apps/new");
        await page.FillAsync("#Form_ClientId", clientId);
        await page.FillAsync("#Form_AccessTokenLifetime", "2.00:00:00");
        await page.ClickAsync("#new-app button[type=submit]");
        await Expect(page.Locator("#problems")).ToContainTextAsync("app.accessToken.lifetime must be more than zero and at most one day");
        await page.FillAsync("#Form_AccessTokenLifetime", "00:05:00");
        await page.ClickAsync("#new-app button[type=submit]");
        await Expect(page.Locator("#problems")).ToContainTextAsync($"app '{clientId}' already exists");
        Assert.Equal(0, await page.Locator("#secret-value").CountAsync());
        await fixture.ScreenshotAsync(page, "08-refused-change-inline");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_app_page_sets_the_default_handler_and_the_user_creation_permission()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync("/setup/apps/catalog-service");

        await page.SelectOptionAsync("#default-handler select", "partner-idp");
        await page.ClickAsync("#default-handler button");
        await Expect(page.Locator("#notice")).ToContainTextAsync("handler 'partner-idp': updated");
        await Expect(page.Locator("#app-handlers td").Nth(1)).ToHaveTextAsync("default");
        await page.ClickAsync("#app-handlers button:text-is('Allow')");
        await Expect(page.Locator("#app-handlers button")).ToHaveTextAsync("Forbid");
        await fixture.ScreenshotAsync(page, "09-default-handler-and-user-creation");

        var enablement = (await Admin.LoadAsync()).Handlers.Single(h => h.Name == "partner-idp").Enablements.Single(e => e.ClientId == "catalog-service");
        Assert.True(enablement.Default);
        Assert.True(enablement.AllowUserCreation);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Users_are_listed_and_disabled_and_enabled()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync("/setup/users");
        var bob = page.Locator("#users tr[data-user=u-bob]");

        await bob.Locator("button").ClickAsync();
        await Expect(bob.Locator("td.off")).ToHaveTextAsync("disabled");
        Assert.False((await Admin.GetUserAsync("u-bob"))!.Enabled);
        await fixture.ScreenshotAsync(page, "10-users");

        await bob.Locator("button").ClickAsync();
        await Expect(bob.Locator("td.on")).ToHaveTextAsync("enabled");
        Assert.True((await Admin.GetUserAsync("u-bob"))!.Enabled);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);

        // Signed in (the browser context's cookies go along), but without the form's antiforgery token.
        var response = await page.Context.APIRequest.PostAsync("/setup/handlers/partner-idp?handler=Disable",
            new APIRequestContextOptions { Form = page.Context.APIRequest.CreateFormData().Append("clientId", "orders-service"), MaxRedirects = 0 });

        Assert.Equal(400, response.Status);
        Assert.Contains((await Admin.LoadAsync()).Handlers.Single(h => h.Name == "partner-idp").Enablements, e => e.ClientId == "orders-service");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_scoped_access_token_signs_in_and_opens_the_orleans_dashboard()
    {
        await Admin.PutAppAsync(new TokenExchange.Definitions.AppDefinition
        {
            ClientId = "ops-console",
            SecretHashes = [TokenExchange.Clients.ClientSecretHasher.Hash(BrowserFixture.InventorySecret)],
            TokenExchangeEnabled = true,
            AllowedScopes = ["api", AdminAuthenticator.Scope],
            AllowedAudiences = [fixture.Server.Issuer],
        }, create: !(await Admin.LoadAsync()).Apps.Any(a => a.ClientId == "ops-console"));
        await Admin.PutEnablementAsync("partner-idp", "ops-console", isDefault: true, allowUserCreation: false);
        string? Token(TryResult r) => r.Response?.AccessToken;
        var admin = await Eventually(() => TryExchange("ops-console", BrowserFixture.InventorySecret, AdminAuthenticator.Scope, fixture.Server.Issuer),
            r => Token(r) is not null, "an admin-scoped token");
        var plain = await TryExchange("ops-console", BrowserFixture.InventorySecret, "api", fixture.Server.Issuer);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/setup/signin");
        await page.FillAsync("#credential", Token(plain)!);
        await page.ClickAsync("#sign-in");
        await Expect(page.Locator("#problems")).ToContainTextAsync($"the token lacks the {AdminAuthenticator.Scope} scope");

        await fixture.SignInAsync(page, Token(admin)!);
        Assert.EndsWith("/setup", page.Url, StringComparison.Ordinal);

        var dashboard = await page.GotoAsync("/dashboard/");
        Assert.Equal(200, dashboard!.Status);
        Assert.Contains("index.min.js", await page.ContentAsync(), StringComparison.Ordinal);
        var counters = await page.Context.APIRequest.GetAsync("/dashboard/DashboardCounters");
        Assert.Equal(200, counters.Status);
        // The dashboard renders in the browser from its API: wait for its overview to show the silo.
        await page.GetByText(new System.Text.RegularExpressions.Regex("active silos", System.Text.RegularExpressions.RegexOptions.IgnoreCase)).WaitForAsync();
        await fixture.ScreenshotAsync(page, "11-orleans-dashboard");
        await page.Context.CloseAsync();
    }

    private ExchangeRequest InventoryRequest(string clientId = "inventory-service", string secret = BrowserFixture.InventorySecret, string scope = "api", string? audience = null)
    {
        var request = new ExchangeRequest
        {
            ClientId = clientId,
            ClientSecret = secret,
            SubjectToken = fixture.Idp.Token("alice-ext-1"),
            SubjectTokenType = Clients.JwtType,
            TokenHandler = "partner-idp",
            Scope = { scope },
        };
        if (audience is not null) request.Audience.Add(audience);
        return request;
    }

    private sealed record TryResult(ExchangeResponse? Response, RpcException? Failure);

    private async Task<TryResult> TryExchange(string clientId = "inventory-service", string secret = BrowserFixture.InventorySecret, string scope = "api", string? audience = null)
    {
        try
        {
            return new TryResult(await clients.Grpc.ExchangeAsync(InventoryRequest(clientId, secret, scope, audience)), null);
        }
        catch (RpcException e)
        {
            return new TryResult(null, e);
        }
    }

    /// <summary>Polls until <paramref name="done"/>, for at most ten seconds; the last result, or a failure naming what never happened.</summary>
    private static Task<T> Eventually<T>(Func<Task<T>> attempt, Func<T, bool> done, string what) =>
        Poll.UntilAsync(attempt, done, TimeSpan.FromSeconds(10), what, step: TimeSpan.FromMilliseconds(50));

    public void Dispose() => clients.Dispose();
}
