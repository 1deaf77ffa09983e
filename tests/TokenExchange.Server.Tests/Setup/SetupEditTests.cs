using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Configuration;
using TokenExchange.Definitions;
using TokenExchange.Silo.Admin;
using TokenExchange.Testing;
using static Microsoft.Playwright.Assertions;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>
/// Saving a Setup form in a real browser changes only what was changed on it: an app registered for mutual TLS
/// with rate limits keeps its method, certificate and limits when its label is edited, and is left as it was when
/// the form is saved unchanged; so does a workload app with every field of the form set (federated credentials, DPoP,
/// opaque tokens, refresh and transaction token policies, introspection audiences); saving a handler's enablement
/// unchanged leaves the handler as it was.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SetupEditTests(BrowserFixture fixture)
{
    private DefinitionAdmin Admin => fixture.Server.Services.GetRequiredService<DefinitionAdmin>();

    [Fact]
    public async Task Saving_an_mtls_app_unchanged_keeps_it_and_editing_its_label_changes_only_the_label()
    {
        var clientId = $"batch-job-{Guid.NewGuid():N}"[..20];
        var app = new AppDefinition
        {
            ClientId = clientId,
            Label = "Batch",
            TokenExchangeEnabled = true,
            TokenEndpointAuthMethod = ClientAuthMethods.SelfSignedTlsClientAuth,
            TlsClientAuth = new TlsClientAuthPolicy { Thumbprints = ["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"] },
            RateLimits = new RateLimitPolicy { RequestsPerSecond = 100, Burst = 400, InvalidTokensPerMinute = 10 },
            AccessToken = new AccessTokenPolicy { Format = AccessTokenFormats.Opaque, Lifetime = TimeSpan.FromMinutes(2) },
            RefreshTokens = new RefreshTokenPolicy { Enabled = true, Lifetime = TimeSpan.FromHours(12) },
            AllowedScopes = ["api"],
        };
        await Admin.ApplyAsync(new ClusterDefinitions([app], [], []), prune: false, dryRun: false);
        var stored = await StoredAsync(clientId);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);

        await page.GotoAsync($"/setup/apps/{clientId}");
        await Expect(page.Locator("#authentication")).ToContainTextAsync("self_signed_tls_client_auth, certificates AAECAwQF");
        await Expect(page.Locator("#rate-limits")).ToContainTextAsync("100/s (burst 400), 10 refused subject tokens/min");
        await page.ClickAsync("#app-settings button[type=submit]");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Nothing changed.");
        Assert.Equal(Json(stored), Json(await StoredAsync(clientId)));

        await page.FillAsync("#Form_Label", "Nightly batch");
        await page.ClickAsync("#app-settings button[type=submit]");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"app '{clientId}': updated");
        await fixture.ScreenshotAsync(page, "12-app-label-edited-mtls-kept");
        Assert.Equal(Json(stored with { Label = "Nightly batch" }), Json(await StoredAsync(clientId)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Saving_a_workload_app_with_every_policy_set_unchanged_keeps_each_and_unticking_the_nonce_changes_only_that()
    {
        // Every field the app form shows, set away from its default: a save that rendered one of them wrongly (a box
        // left unticked, a line of a text area lost) would silently weaken the app, e.g. drop its DPoP requirement.
        var clientId = $"k8s-job-{Guid.NewGuid():N}"[..20];
        var yaml = TestConfig.Create().App(clientId, a => a
                .Label("Nightly k8s job")
                .FederatedCredential("https://kubernetes.default.svc.cluster.local", "system:serviceaccount:jobs:batch", audience: "token-exchange", oneTimeUse: true)
                .FederatedCredential("https://spire.example.org", "spiffe://example.org/jobs/batch", jwksUri: "https://spire.example.org/keys")
                .Exchange()
                .RequireDpop()
                .RequireDpopNonce()
                .Scopes("api", "jobs")
                .Audiences("https://orders.example")
                .AccessToken(format: "opaque", lifetime: "00:02:00", mayOutliveSubjectToken: true)
                .RefreshTokens(lifetime: "12:00:00", absoluteLifetime: "7.00:00:00")
                .Introspects("https://jobs.example")
                .TransactionTokens(issue: true, replace: true, lifetime: "00:00:30"))
            .ToYaml();
        var app = ConfigLoader.Parse(yaml).Apps.Single();
        await Admin.ApplyAsync(new ClusterDefinitions([app], [], []), prune: false, dryRun: false);
        var stored = await StoredAsync(clientId);
        Assert.True(stored.RequireDpopNonce && stored.TransactionTokens.Replace && stored.ClientAssertions!.FederatedCredentials.Length == 2);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);

        await page.GotoAsync($"/setup/apps/{clientId}");
        await page.ClickAsync("#app-settings button[type=submit]");
        await Expect(page.Locator("#notice")).ToContainTextAsync("Nothing changed.");
        Assert.Equal(Json(stored), Json(await StoredAsync(clientId)));

        await page.UncheckAsync("#Form_RequireDpopNonce");
        await page.ClickAsync("#app-settings button[type=submit]");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"app '{clientId}': updated");
        Assert.Equal(Json(stored with { AccessToken = stored.AccessToken with { RequireDpopNonce = false } }), Json(await StoredAsync(clientId)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Saving_a_handlers_enablement_unchanged_leaves_the_handler_as_it_was()
    {
        var before = (await Admin.LoadAsync()).Handlers.Single(h => h.Name == "partner-idp");
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);

        await page.GotoAsync("/setup/handlers/partner-idp");
        await page.Locator("#enabled-apps tr").Nth(1).Locator("form.inline button.secondary").ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Nothing changed.");

        Assert.Equal(Json(before), Json((await Admin.LoadAsync()).Handlers.Single(h => h.Name == "partner-idp")));
        await page.Context.CloseAsync();
    }

    private async Task<AppDefinition> StoredAsync(string clientId) => (await Admin.LoadAsync()).Apps.Single(a => a.ClientId == clientId);

    private static string Json<T>(T definition) => JsonSerializer.Serialize(definition);
}
