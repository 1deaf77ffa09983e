using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Storage;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Audit;

/// <summary>
/// The audit trail of a real server: every exchange, refresh, introspection, revocation and admin change is
/// one event, in the log (always) and in the PostgreSQL audit table (--audit postgres); neither holds a
/// token, a client secret or an admin key.
/// </summary>
public sealed class AuditTrailTests
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private const string AdminKey = "audit-admin-key-0123456789abcdef";

    [Fact]
    public async Task Every_operation_and_admin_change_reaches_the_audit_table()
    {
        var idp = new TestIdp("https://idp.audit.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        await using var database = await PostgresDatabase.CreateAsync();
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = await LoopbackServer.StartAsync(Config(idp, jwks),
            ["--postgres", database.ConnectionString, "--migrate", "true", "--audit", "postgres", "--key-encryption-key", kek, "--dev-issuer", "false",
            .. ClusterCertificateFiles.ForTests.Arguments]);

        var subjectToken = idp.Token();
        var (accessToken, refreshToken) = await Run(server, subjectToken);

        var table = server.Services.GetRequiredService<AuditTable>();
        var rows = await UntilRows(table, 6);

        Assert.Equal(["admin", "exchange", "exchange", "introspect", "refresh", "revoke"], rows.Select(r => r.Operation).Order());
        var exchange = rows.Single(r => r is { Operation: "exchange", Outcome: "ok" });
        Assert.Equal(("orders-service", "partner", "u-alice", "127.0.0.1"), (exchange.ClientId, exchange.Handler, exchange.UserId, exchange.ClientAddress));
        Assert.Equal(TokenExchange.Silo.Events.TokenEvents.TokenHash(subjectToken), exchange.TokenHash);
        var refused = rows.Single(r => r is { Operation: "exchange", Outcome: "refused" });
        Assert.Equal("invalid_request", refused.ErrorCode);
        var admin = rows.Single(r => r.Operation == "admin");
        Assert.Equal("key:" + TokenExchange.Silo.Events.TokenEvents.TokenHash(AdminKey), admin.Actor);
        Assert.Equal("disable-app: update handler secondary", admin.Detail);
        Assert.Equal(("orders-service", "secondary"), (admin.ClientId, admin.Handler));
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.Silo)));
        var everything = JsonSerializer.Serialize(rows);
        foreach (var secret in new[] { subjectToken, accessToken, refreshToken, Secret, AdminKey }) Assert.DoesNotContain(secret, everything);
    }

    [Fact]
    public async Task The_audit_log_names_every_operation_without_a_token_or_secret()
    {
        var idp = new TestIdp("https://idp.audit.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        var logs = new CapturedLogs();
        await using var server = await LoopbackServer.StartAsync(Config(idp, jwks), builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter(TokenExchange.Silo.Events.AuditLogSink.Category, LogLevel.Debug);
        });

        var subjectToken = idp.Token();
        var (accessToken, refreshToken) = await Run(server, subjectToken);

        var audit = logs.Lines.Where(l => l.Category == TokenExchange.Silo.Events.AuditLogSink.Category).Select(l => l.Message).ToList();
        Assert.Equal(6, audit.Count);
        Assert.Contains(audit, line => line.StartsWith("exchange outcome=ok", StringComparison.Ordinal) && line.Contains("token=" + TokenExchange.Silo.Events.TokenEvents.TokenHash(subjectToken)));
        Assert.Contains(audit, line => line.StartsWith("admin outcome=ok actor=key:", StringComparison.Ordinal) && line.Contains("disable-app: update handler secondary"));
        Assert.All(audit, line => Assert.Contains("silo=", line));
        foreach (var secret in new[] { subjectToken, accessToken, refreshToken, Secret, AdminKey })
            Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(secret, StringComparison.Ordinal));
    }

    /// <summary>An exchange, a refused exchange, a refresh, an introspection, a revocation and an admin change.</summary>
    private static async Task<(string AccessToken, string RefreshToken)> Run(TokenExchangeServer server, string subjectToken)
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        async Task<JsonElement> Post(string path, Dictionary<string, string> form, HttpStatusCode expected)
        {
            using var response = await http.PostAsync(path, new FormUrlEncodedContent(form));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{path}: {response.StatusCode} {body}");
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }
        var client = new Dictionary<string, string> { ["client_id"] = "orders-service", ["client_secret"] = Secret };
        var exchange = new Dictionary<string, string>(client)
        {
            ["grant_type"] = Clients.TokenExchangeGrant,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = Clients.JwtType,
            ["scope"] = "api offline_access",
        };
        var issued = await Post("/oauth2/token", exchange, HttpStatusCode.OK);
        await Post("/oauth2/token", new Dictionary<string, string>(exchange) { ["subject_token"] = "not-a-jwt" }, HttpStatusCode.BadRequest);
        var refreshed = await Post("/oauth2/token", new Dictionary<string, string>(client)
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = issued.GetProperty("refresh_token").GetString()!,
        }, HttpStatusCode.OK);
        var accessToken = refreshed.GetProperty("access_token").GetString()!;
        var refreshToken = refreshed.GetProperty("refresh_token").GetString()!;
        await Post("/oauth2/introspect", new Dictionary<string, string>(client) { ["token"] = accessToken }, HttpStatusCode.OK);
        await Post("/oauth2/revoke", new Dictionary<string, string>(client) { ["token"] = refreshToken }, HttpStatusCode.OK);

        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        await new Protos.V1.Admin.AdminClient(channel).DisableAppAsync(new DisableAppRequest { Handler = "secondary", ClientId = "orders-service" },
            new Metadata { { "authorization", "Bearer " + AdminKey } });
        return (accessToken, refreshToken);
    }

    private static Task<IReadOnlyList<AuditRow>> UntilRows(AuditTable table, int count) =>
        Poll.UntilAsync(() => table.QueryAsync(new AuditFilter { Limit = 100 }, CancellationToken.None), rows => rows.Count >= count,
            TimeSpan.FromSeconds(15), $"{count} audit rows written", step: TimeSpan.FromMilliseconds(50));

    private static string Config(TestIdp idp, JwksServer jwks) => TestConfig.Create()
        .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens())
        .JwtHandler("partner", h => h
            .Accepts("jwt")
            .UserMapping(linkExisting: true)
            .Issuer(idp.Issuer)
            .Jwks(jwks.JwksUri)
            .Audiences("token-exchange")
            .Algorithms("ES256")
            .Enable("orders-service", isDefault: true, allowUserCreation: true))
        .JwtHandler("secondary", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .Enable("orders-service", allowUserCreation: true))
        .User("u-alice", u => u.FederationId("alice-ext-1"))
        .Admin(key: AdminKey)
        .ToYaml();
}
