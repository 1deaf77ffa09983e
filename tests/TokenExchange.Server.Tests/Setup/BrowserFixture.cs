using Microsoft.Playwright;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>
/// A real server with an admin key and a real headless Chromium (Debian's, at <see cref="ChromiumPath"/>) driven
/// by Playwright. Without that browser every test of the collection fails, saying how to install it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime, IServerAddresses
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string AdminKey = "setup-admin-key-0123456789abcdef";
    public const string InventorySecret = "inventory-secret-0123456789abcdef";
    public const string CatalogSecret = "catalog-secret-0123456789abcdef";

    public TestIdp Idp { get; } = new("https://idp.setup.example");
    public JwksServer Jwks { get; private set; } = null!;
    public TokenExchangeServer Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public Uri Http => Server.HttpAddress;
    public Uri Grpc => Server.GrpcAddress;

    /// <summary>The repository's artifacts/screenshots, which CI keeps.</summary>
    public string Screenshots { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: the Setup page tests drive a real browser. Install it with: apt-get install chromium");
        Directory.CreateDirectory(Screenshots);
        Jwks = await JwksServer.StartAsync(Idp);
        Server = await LoopbackServer.StartAsync(Config(Jwks.JwksUri));
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // Web-first assertions retry until the page after a form's POST has loaded; generous on a busy machine.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (Jwks is not null) await Jwks.DisposeAsync();
    }

    /// <summary>A fresh browser context (no cookies) on the server, with one page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Http.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in and waits until the browser has left the sign-in page.</summary>
    public async Task SignInAsync(IPage page, string credential = AdminKey)
    {
        await page.GotoAsync("/setup/signin");
        await page.FillAsync("#credential", credential);
        await page.ClickAsync("#sign-in");
        // Commit, not "load" (see SetupPageTests): callers assert on the page they land on, which retries.
        await page.WaitForURLAsync(url => !url.Contains("/setup/signin", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Commit });
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    private string Config(Uri jwks) => TestConfig.Create()
        .Admin(key: AdminKey, clients: ["ops-console"])
        .App("orders-service", a => a.Label("Orders").Secret("orders-secret-0123456789abcdef").Exchange(requireSecret: true).Scopes("api"))
        .App("inventory-service", a => a.Label("Inventory").Secret(InventorySecret).Exchange(requireSecret: true).Scopes("api"))
        .App("catalog-service", a => a.Secret(CatalogSecret).Exchange(requireSecret: true).Scopes("api"))
        .JwtHandler("partner-idp", h => h
            .Label("Partner IdP")
            .Accepts("access_token", "jwt")
            .Issuer(Idp.Issuer)
            .Jwks(jwks)
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
            .Enable("orders-service", isDefault: true, allowUserCreation: true)
            .Enable("catalog-service"))
        .User("u-alice", u => u.Username("alice@example.com").Email("alice@example.com").FederationId("alice-ext-1").DisplayName("Alice"))
        .User("u-bob", u => u.Username("bob@example.com").FederationId("bob-ext-1").DisplayName("Bob"))
        .ToYaml();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cluster.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("the repository root (Cluster.sln) is not above the test binaries");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
