using System.Text.Json;
using TokenExchange.Cli.Commands;
using TokenExchange.Cli.Commands.Admin;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands.Admin;

/// <summary>
/// txctl audit against a server that keeps the audit table (--audit postgres on a private database), with
/// exchanges made by txctl itself: the filters select what they name and nothing else.
/// </summary>
public sealed class AuditCommandTests : IAsyncLifetime
{
    private const string AdminKey = "dev-admin-key-0123456789abcdef";
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private PostgresDatabase database = null!;
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        server = await LoopbackServer.StartAsync(null, ["--postgres", database.ConnectionString, "--migrate", "true", "--audit", "postgres",
            "--key-encryption-key", kek, "--dev-issuer", "true", .. ClusterCertificateFiles.ForTests.Arguments]);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Filters_select_by_app_handler_outcome_operation_time_and_limit()
    {
        var token = await Txctl("dev-token", "--server", server.HttpAddress.ToString(), "--sub", "alice-ext-1");
        await Exchange("orders-service", OrdersSecret, token.Output, expectOk: true);
        await Exchange("orders-service", OrdersSecret, "not-a-jwt", expectOk: false);
        await Exchange("reports-service", "reports-secret-0123456789abcdef", token.Output, expectOk: false);
        Assert.Equal(0, (await Admin("disable-app", "dev-idp", "orders-service")).ExitCode);

        var all = await UntilEvents(4);
        var refusedOrders = await Query("--app", "orders-service", "--outcome", "refused");
        var devIdp = await Query("--handler", "dev-idp");
        var okDevIdp = await Query("--handler", "dev-idp", "--outcome", "ok", "--operation", "exchange");
        var admin = await Query("--operation", "admin");
        var recent = await Query("--since", "10m", "--operation", "exchange");
        var future = await Query("--since", DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        var old = await Query("--until", "1h");
        var one = await Query("--limit", "1");

        Assert.Equal(4, all.Count);
        var refused = Assert.Single(refusedOrders);
        Assert.Equal(("exchange", "invalid_request"), (refused.GetProperty("operation").GetString(), refused.GetProperty("error").GetString()));
        Assert.Matches("^u-[0-9a-f]{24}$", Assert.Single(okDevIdp).GetProperty("user").GetString());
        // Admin changes carry the app and handler they touched: --app and --handler show them too.
        Assert.Equal(["admin", "exchange", "exchange"], devIdp.Select(e => e.GetProperty("operation").GetString()));
        Assert.Equal("disable-app: update handler dev-idp", Assert.Single(admin).GetProperty("detail").GetString());
        Assert.StartsWith("key:", admin[0].GetProperty("actor").GetString());
        Assert.Equal(3, recent.Count);
        Assert.Empty(future);
        Assert.Empty(old);
        Assert.Equal("admin", Assert.Single(one).GetProperty("operation").GetString()); // newest first
        Assert.DoesNotContain(token.Output, JsonSerializer.Serialize(all));
    }

    [Fact]
    public async Task The_table_view_has_a_header_and_a_line_per_event()
    {
        var token = await Txctl("dev-token", "--server", server.HttpAddress.ToString(), "--sub", "alice-ext-1");
        await Exchange("orders-service", OrdersSecret, token.Output, expectOk: true);
        await UntilEvents(1);

        var (exitCode, output, error) = await Admin("audit");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n');
        Assert.StartsWith("TIME", lines[0]);
        Assert.Contains("exchange", lines[1]);
        Assert.Contains("orders-service", lines[1]);
    }

    [Fact]
    public async Task A_malformed_time_is_a_usage_error()
    {
        var (exitCode, _, error) = await Admin("audit", "--since", "yesterday-ish");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--since: 'yesterday-ish'", error);
    }

    [Fact]
    public void Relative_times_count_back_from_now()
    {
        var now = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal("2026-01-31T11:50:00.000Z", AuditCommand.Time("10m", now, "--since"));
        Assert.Equal("2026-01-30T12:00:00.000Z", AuditCommand.Time("1d", now, "--since"));
        Assert.Equal("2026-01-31T10:00:00.000Z", AuditCommand.Time("2026-01-31T11:00:00+01:00", now, "--since"));
    }

    private async Task Exchange(string clientId, string secret, string subjectToken, bool expectOk)
    {
        var (exitCode, _, error) = await Txctl("exchange", "--server", server.GrpcAddress.ToString(), "--client-id", clientId, "--client-secret", secret,
            "--handler", "dev-idp", "--scope", "api", "--subject-token", subjectToken);
        Assert.True(expectOk ? exitCode == 0 : exitCode == 1, error);
    }

    private async Task<List<JsonElement>> Query(params string[] filters)
    {
        var (exitCode, output, error) = await Admin(["audit", "-o", "json", .. filters]);
        Assert.True(exitCode == 0, error);
        return [.. JsonDocument.Parse(output).RootElement.EnumerateArray()];
    }

    /// <summary>The audit table is written in the background: wait until it has this many events.</summary>
    private Task<List<JsonElement>> UntilEvents(int count) =>
        Poll.UntilAsync(() => Query(), events => events.Count >= count, TimeSpan.FromSeconds(15), $"{count} audit events", step: TimeSpan.FromMilliseconds(50));

    private Task<(int ExitCode, string Output, string Error)> Admin(params string[] args) =>
        Txctl([.. args, "--server", server.GrpcAddress.ToString(), "--admin-key", AdminKey]);

    private static Task<(int ExitCode, string Output, string Error)> Txctl(params string[] args) => CliFixture.Run(args);
}

/// <summary>A server without the audit table says so, with what to do.</summary>
[Collection(CliCollection.Name)]
public sealed class AuditWithoutTableTests(CliFixture fixture)
{
    [Fact]
    public async Task Txctl_audit_is_refused_with_failed_precondition_and_the_fix()
    {
        var (exitCode, _, error) = await CliFixture.Run("audit", "--server", fixture.Server.GrpcAddress.ToString(), "--admin-key", "dev-admin-key-0123456789abcdef");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Contains("FailedPrecondition", error);
        Assert.Contains("--audit postgres", error);
    }
}
