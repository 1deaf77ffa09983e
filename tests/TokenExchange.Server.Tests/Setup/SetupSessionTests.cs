using System.Net;
using System.Text.RegularExpressions;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Tests.Admin;

namespace TokenExchange.Server.Tests.Setup;

/// <summary>
/// The Setup page's sign-in over plain HTTP: a sign-in made with an admin token ends when the token expires or its
/// user is disabled (checked on every request, not only when the cookie runs out); one made with the admin key does
/// not; a refused sign-in is an audit event.
/// </summary>
public sealed partial class SetupSessionTests
{
    [Fact]
    public async Task A_token_sign_in_ends_when_the_token_expires_and_a_key_sign_in_does_not()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        using var withToken = new SetupBrowser(server);
        using var withKey = new SetupBrowser(server);
        Assert.Equal(HttpStatusCode.Redirect, await withToken.SignIn(await server.AdminToken("ops-console", "admin-ext")));
        Assert.Equal(HttpStatusCode.Redirect, await withKey.SignIn(AdminAuthorityServer.AdminKey));
        Assert.Equal(HttpStatusCode.OK, await withToken.Status("/setup"));

        // Five minutes is an access token's default lifetime; the sign-in cookie alone would last twenty.
        server.Clock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Redirect, await withToken.Status("/setup"));
        Assert.Equal(HttpStatusCode.Redirect, await withToken.Status("/dashboard/DashboardCounters"));
        Assert.Equal(HttpStatusCode.OK, await withKey.Status("/setup"));
        Assert.Contains(server.RefusedSignIns(), l => l.Contains("setup session", StringComparison.Ordinal) && l.Contains("reason=token expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_sign_in_ends_once_its_user_is_disabled()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        using var browser = new SetupBrowser(server);
        Assert.Equal(HttpStatusCode.Redirect, await browser.SignIn(await server.AdminToken("ops-console", "ops-ext")));
        Assert.Equal(HttpStatusCode.OK, await browser.Status("/setup"));

        await server.Admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = "u-ops", Enabled = false }, AdminAuthorityServer.Bearer(AdminAuthorityServer.AdminKey));

        Assert.Equal(HttpStatusCode.Redirect, await browser.Status("/setup"));
        Assert.Contains(server.RefusedSignIns(), l => l.Contains("setup session", StringComparison.Ordinal) && l.Contains("reason=user disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_from_an_app_not_named_in_admin_clients_cannot_sign_in_and_the_refusal_is_audited()
    {
        await using var server = await AdminAuthorityServer.StartAsync();
        using var browser = new SetupBrowser(server);
        var token = await server.AdminToken("partner-portal", "admin-ext");

        Assert.Equal(HttpStatusCode.Unauthorized, await browser.SignIn(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await browser.SignIn("not-the-authority-admin-key-0123456789"));

        Assert.Equal(HttpStatusCode.Redirect, await browser.Status("/setup"));
        var refused = server.RefusedSignIns().Where(l => l.Contains("setup sign-in", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refused.Count);
        Assert.Contains(refused, l => l.Contains("partner-portal is not in admin.clients", StringComparison.Ordinal));
        Assert.Contains(refused, l => l.Contains("admin key does not match", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Message.Contains(token, StringComparison.Ordinal));
    }

    /// <summary>A cookie-keeping HTTP client that signs in through the form (with its antiforgery token) and never follows redirects.</summary>
    private sealed partial class SetupBrowser(AdminAuthorityServer server) : IDisposable
    {
        private readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server.Server.HttpAddress };

        public async Task<HttpStatusCode> SignIn(string credential)
        {
            var form = await http.GetStringAsync("/setup/signin");
            var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
            using var response = await http.PostAsync("/setup/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["credential"] = credential,
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
            }));
            return response.StatusCode;
        }

        public async Task<HttpStatusCode> Status(string path)
        {
            using var response = await http.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.Redirect)
                Assert.Contains("/setup/signin", response.Headers.Location?.ToString() ?? "");
            return response.StatusCode;
        }

        public void Dispose() => http.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex AntiforgeryField();
    }
}
