using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// txctl's admin commands against a server of their own (they change its definitions): the embedded
/// default, whose config/dev.yaml carries a dev admin key.
/// </summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private const string AdminKey = "dev-admin-key-0123456789abcdef";
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private TokenExchangeServer server = null!;
    private readonly string file = Path.Combine(Path.GetTempPath(), $"tx-apply-{Guid.NewGuid():N}.yaml");

    public async Task InitializeAsync()
    {
        server = await LoopbackServer.StartAsync(configYaml: null);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        File.Delete(file);
    }

    [Fact]
    public async Task Get_lists_definitions_without_secrets_in_every_format()
    {
        foreach (var format in new[] { "table", "yaml", "json" })
        {
            var (exitCode, output, error) = await Admin("get", "apps", "-o", format);

            Assert.True(exitCode == 0, error);
            Assert.Contains("orders-service", output);
            Assert.DoesNotContain(OrdersSecret, output);
            Assert.DoesNotContain("sha256:", output);
        }
        var (_, handler, _) = await Admin("get", "handler", "partner-idp", "-o", "json");
        Assert.Equal("https://idp.partner.example", JsonDocument.Parse(handler).RootElement[0].GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task Apply_dry_runs_creates_is_idempotent_and_prunes()
    {
        await File.WriteAllTextAsync(file, TestConfig.Create()
            .App("billing-service", a => a.Secret("billing-secret-0123456789abcdef").Exchange().Scopes("api"))
            .ToYaml());

        var dryRun = await Admin("apply", "-f", file, "--dry-run");
        var afterDryRun = await Admin("get", "app", "billing-service");
        var applied = await Admin("apply", "-f", file);
        var again = await Admin("apply", "-f", file);

        Assert.Contains("create    app billing-service", dryRun.Output);
        Assert.Equal(1, afterDryRun.ExitCode);
        Assert.Contains("NotFound", afterDryRun.Error);
        Assert.Contains("1 changes applied", applied.Output);
        Assert.Contains("unchanged app billing-service", again.Output);
        Assert.Contains("0 changes applied", again.Output);

        // Prune with a document of everything but reports-service (handlers only enable orders-service).
        var (_, current, _) = await Admin("get", "handlers", "-o", "yaml");
        await File.WriteAllTextAsync(file, TestConfig.Create()
            .App("orders-service", a => a.Secret("orders-secret-0123456789abcdef").Exchange().Scopes("api", "openid").Audiences("https://orders.example"))
            .App("billing-service", a => a.Secret("billing-secret-0123456789abcdef").Exchange().Scopes("api"))
            .DevIssuerHandler("dev-idp", h => h.Accepts("access_token", "jwt", "id_token").Audiences("token-exchange").Algorithms("ES256").Enable("orders-service", allowUserCreation: true))
            .ToYaml());
        var pruned = await Admin("apply", "-f", file, "--prune");

        Assert.Contains("delete    app reports-service", pruned.Output);
        Assert.Contains("delete    handler partner-idp", pruned.Output);
        Assert.Contains("partner-idp", current);
        Assert.Equal(1, (await Admin("get", "handler", "partner-idp")).ExitCode);
    }

    [Fact]
    public async Task An_apply_that_breaks_an_invariant_is_refused_whole_with_every_problem()
    {
        await File.WriteAllTextAsync(file, TestConfig.Create()
            .App("new-app", a => a.Secret("new-app-secret-0123456789").Exchange())
            .DevIssuerHandler("second-default", h => h.Accepts("jwt").Audiences("token-exchange").Enable("orders-service", isDefault: true).Enable("ghost-app"))
            .ToYaml());

        var (exitCode, _, error) = await Admin("apply", "-f", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("FailedPrecondition", error);
        Assert.Contains("ghost-app", error);
        Assert.Contains("more than one default handler", error);
        Assert.Equal(1, (await Admin("get", "app", "new-app")).ExitCode);
    }

    [Fact]
    public async Task Enable_app_and_disable_app_take_effect_on_exchanges()
    {
        var token = await DevToken("alice-ext-1");
        string[] exchange = ["exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "orders-service", "--client-secret", OrdersSecret, "--handler", "dev-idp", "--subject-token", token];
        Assert.Equal(0, (await CliFixture.Run(exchange)).ExitCode);

        var disabled = await Admin("disable-app", "dev-idp", "orders-service");
        var refused = await Eventually(() => CliFixture.Run(exchange), r => r.ExitCode != 0);
        var enabled = await Admin("enable-app", "dev-idp", "orders-service", "--allow-user-creation");
        var served = await Eventually(() => CliFixture.Run(exchange), r => r.ExitCode == 0);

        Assert.Contains("update    handler dev-idp", disabled.Output);
        Assert.Contains("unauthorized_client", refused.Error);
        Assert.Contains("update    handler dev-idp", enabled.Output);
        Assert.Equal(0, served.ExitCode);
        Assert.Contains("NotFound", (await Admin("enable-app", "no-such-handler", "orders-service")).Error);
        Assert.Contains("does not exist", (await Admin("enable-app", "dev-idp", "no-such-app")).Error);
    }

    [Fact]
    public async Task Disabling_a_user_refuses_its_next_exchange()
    {
        var token = await DevToken("dora-" + Guid.NewGuid().ToString("N"));
        string[] exchange = ["exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "orders-service", "--client-secret", OrdersSecret, "--handler", "dev-idp", "--subject-token", token];
        var first = await CliFixture.Run(exchange);
        Assert.Equal(0, first.ExitCode);

        await Admin("users", "disable", UserOf(first.Output));
        var refused = await CliFixture.Run(exchange);

        Assert.Contains("invalid_grant", refused.Error);
    }

    [Fact]
    public async Task Users_import_from_csv_creates_thousands_reports_conflicts_and_links_exchanges()
    {
        var csv = Path.ChangeExtension(file, ".csv");
        var devIssuer = new JsonWebToken(await DevToken("any")).Issuer;
        await File.WriteAllLinesAsync(csv, [
            "id,username,email,federationId,displayName,enabled,linkHandler,linkIssuer,linkSubject",
            .. Enumerable.Range(0, 2000).Select(i => $"u-imp-{i},imp{i}@example.com,imp{i}@example.com,imp-ext-{i},\"Imported, {i}\",true,dev-idp,{devIssuer},imp-ext-{i}"),
            "u-taken,taken,alice@example.com,taken-ext,Taken,true,,,",
        ]);
        try
        {
            var first = await Admin("users", "import", csv);
            var again = await Admin("users", "import", csv);
            var (_, user, _) = await Admin("get", "user", "u-imp-1234", "-o", "json");
            var exchange = await CliFixture.Run("exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "orders-service",
                "--client-secret", OrdersSecret, "--handler", "dev-idp", "--subject-token", await DevToken("imp-ext-77"));

            Assert.Equal(1, first.ExitCode);
            Assert.Contains("2001 users: 2000 created, 0 updated, 0 unchanged, 1 failed", first.Output);
            Assert.Contains("u-taken", first.Output);
            Assert.Contains("2000 unchanged", again.Output);
            Assert.Contains("sent 2000 users", first.Error);
            Assert.Equal("Imported, 1234", JsonDocument.Parse(user).RootElement[0].GetProperty("displayName").GetString());
            Assert.Equal("u-imp-77", new JsonWebToken(JsonDocument.Parse(exchange.Output).RootElement.GetProperty("access_token").GetString()).Subject);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task Users_are_listed_a_page_at_a_time_in_id_order()
    {
        var jsonl = Path.ChangeExtension(file, ".jsonl");
        await File.WriteAllLinesAsync(jsonl, Enumerable.Range(0, 30).Select(i => $"{{\"id\":\"u-page-{i:D2}\"}}"));
        try
        {
            await Admin("users", "import", jsonl);

            var (_, first, _) = await Admin("get", "users", "--limit", "10", "--after", "u-page", "-o", "json");
            var firstIds = JsonDocument.Parse(first).RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToList();
            var (_, second, _) = await Admin("get", "users", "--limit", "10", "--after", firstIds[^1], "-o", "json");
            var secondIds = JsonDocument.Parse(second).RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToList();
            var (_, table, _) = await Admin("get", "users");

            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"u-page-{i:D2}"), firstIds);
            Assert.Equal(Enumerable.Range(10, 10).Select(i => $"u-page-{i:D2}"), secondIds);
            Assert.Contains("u-alice", table);
        }
        finally
        {
            File.Delete(jsonl);
        }
    }

    [Fact]
    public async Task Users_import_reads_json_lines_and_disabled_users()
    {
        var jsonl = Path.ChangeExtension(file, ".jsonl");
        await File.WriteAllLinesAsync(jsonl, [
            "{\"id\":\"u-j1\",\"federationId\":\"j1-ext\"}",
            "{\"id\":\"u-j2\",\"federationId\":\"j2-ext\",\"enabled\":false}",
        ]);
        try
        {
            var imported = await Admin("users", "import", jsonl);
            var (_, user, _) = await Admin("get", "user", "u-j2", "-o", "json");

            Assert.Contains("2 users: 2 created", imported.Output);
            Assert.False(JsonDocument.Parse(user).RootElement[0].GetProperty("enabled").GetBoolean());
        }
        finally
        {
            File.Delete(jsonl);
        }
    }

    [Fact]
    public async Task Admin_calls_need_a_valid_credential()
    {
        var missing = await CliFixture.Run("get", "apps", "--server", server.GrpcAddress.ToString());
        var wrong = await CliFixture.Run("get", "apps", "--server", server.GrpcAddress.ToString(), "--admin-key", "not-the-admin-key-not-the-admin-key");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("Unauthenticated", wrong.Error);
        Assert.DoesNotContain("not-the-admin-key", wrong.Error);
    }

    [Fact]
    public async Task An_access_token_of_this_cluster_with_the_admin_scope_from_an_app_named_in_admin_clients_is_an_admin_credential()
    {
        // A server of its own: admin authority comes from the server's configuration file (admin.clients), never from apply.
        const string issuer = "http://sts.cli-admin.test";
        var config = TestConfig.Create()
            .Admin(key: AdminKey, clients: ["ops-console"])
            .App("ops-console", a => a.Secret("ops-console-secret-0123456789").Exchange().Scopes("api", "tokenexchange.admin").Audiences(issuer))
            .App("partner-portal", a => a.Secret("partner-portal-secret-0123456789").Exchange().Scopes("api", "tokenexchange.admin").Audiences(issuer))
            .DevIssuerHandler("ops-idp", h => h
                .Accepts("access_token", "jwt")
                .Audiences("token-exchange")
                .Enable("ops-console", isDefault: true, allowUserCreation: true)
                .Enable("partner-portal", isDefault: true, allowUserCreation: true));
        await using var own = await LoopbackServer.StartAsync(config.ToYaml(), "--issuer", issuer);
        var adminToken = await AccessToken(own, "ops-console", "tokenexchange.admin");
        var plainToken = await AccessToken(own, "ops-console", "api");
        var otherAppsToken = await AccessToken(own, "partner-portal", "tokenexchange.admin");

        var withScope = await CliFixture.Run("get", "apps", "--server", own.GrpcAddress.ToString(), "--admin-key", adminToken);
        var withoutScope = await CliFixture.Run("get", "apps", "--server", own.GrpcAddress.ToString(), "--admin-key", plainToken);
        var fromOtherApp = await CliFixture.Run("get", "apps", "--server", own.GrpcAddress.ToString(), "--admin-key", otherAppsToken);

        Assert.True(withScope.ExitCode == 0, withScope.Error);
        Assert.Contains("ops-console", withScope.Output);
        Assert.Contains("PermissionDenied", withoutScope.Error);
        Assert.Contains("PermissionDenied", fromOtherApp.Error);
        Assert.Contains("admin.clients", fromOtherApp.Error);
    }

    private static async Task<string> AccessToken(TokenExchangeServer target, string clientId, string scope)
    {
        var (exitCode, output, error) = await CliFixture.Run("exchange", "--server", target.GrpcAddress.ToString(), "--client-id", clientId,
            "--client-secret", clientId + "-secret-0123456789", "--scope", scope, "--subject-token", await DevToken(target, "ops-person"));
        Assert.True(exitCode == 0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Users_links_lists_unlink_removes_and_import_links_an_identity()
    {
        var subject = "linked-" + Guid.NewGuid().ToString("N");
        var token = await DevToken(subject);
        var issuer = new JsonWebToken(token).Issuer;
        string[] exchange = ["exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "orders-service", "--client-secret", OrdersSecret, "--handler", "dev-idp", "--subject-token", token];
        var created = UserOf((await CliFixture.Run(exchange)).Output);

        var links = await Admin("users", "links", created);
        var unlinked = await Admin("users", "unlink", created, "--handler", "dev-idp", "--issuer", issuer, "--subject", subject);
        var again = await Admin("users", "unlink", created, "--handler", "dev-idp", "--issuer", issuer, "--subject", subject);
        var afterUnlink = await Admin("users", "links", created);
        var recreated = UserOf((await CliFixture.Run(exchange)).Output);

        Assert.True(links.ExitCode == 0, links.Error);
        Assert.Contains("created by handler dev-idp", links.Output);
        Assert.Contains($"dev-idp\t{issuer}\t{subject}", links.Output);
        Assert.Contains($"update    user {created}", unlinked.Output);
        Assert.Contains("NotFound", again.Error);
        Assert.DoesNotContain(subject, afterUnlink.Output);
        Assert.NotEqual(created, recreated);

        // An administrator links the identity to a user of their choice (here: over another user's link: refused).
        var jsonl = Path.ChangeExtension(file, ".jsonl");
        var other = "other-" + Guid.NewGuid().ToString("N");
        await File.WriteAllLinesAsync(jsonl, [
            $"{{\"id\":\"u-chosen\",\"links\":[{{\"handler\":\"dev-idp\",\"issuer\":\"{issuer}\",\"subject\":\"{other}\"}}]}}",
            $"{{\"id\":\"u-thief\",\"links\":[{{\"handler\":\"dev-idp\",\"issuer\":\"{issuer}\",\"subject\":\"{subject}\"}}]}}",
        ]);
        try
        {
            var imported = await Admin("users", "import", jsonl);
            var chosen = await CliFixture.Run(["exchange", "--server", server.GrpcAddress.ToString(), "--client-id", "orders-service", "--client-secret", OrdersSecret, "--handler", "dev-idp", "--subject-token", await DevToken(other)]);

            Assert.Contains("2 users: 1 created, 0 updated, 0 unchanged, 1 failed", imported.Output);
            Assert.Contains($"is linked to user {recreated}", imported.Output);
            Assert.Equal("u-chosen", UserOf(chosen.Output));
        }
        finally
        {
            File.Delete(jsonl);
        }
    }

    private static string UserOf(string exchangeOutput) =>
        new JsonWebToken(JsonDocument.Parse(exchangeOutput).RootElement.GetProperty("access_token").GetString()).Subject;

    private Task<string> DevToken(string subject) => DevToken(server, subject);

    private static async Task<string> DevToken(TokenExchangeServer target, string subject)
    {
        var (exitCode, output, error) = await CliFixture.Run("dev-token", "--server", target.HttpAddress.ToString(), "--sub", subject);
        Assert.True(exitCode == 0, error);
        Assert.NotNull(new JsonWebToken(output).Subject);
        return output;
    }

    private Task<(int ExitCode, string Output, string Error)> Admin(params string[] args) =>
        CliFixture.Run([.. args, "--server", server.GrpcAddress.ToString(), "--admin-key", AdminKey]);

    /// <summary>Definition changes reach the silo's cache within about a quarter second: poll, bounded.</summary>
    private static Task<T> Eventually<T>(Func<Task<T>> attempt, Func<T, bool> done) =>
        Poll.LastAsync(attempt, done, TimeSpan.FromSeconds(5), step: TimeSpan.FromMilliseconds(50));
}
