using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenExchange.Protos.V1;
using TokenExchange.Storage;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Audit;

/// <summary>
/// A client_id carrying CR, LF, NUL, a terminal escape or a Unicode line separator, sent as a form field, as the
/// HTTP Basic user name and as a gRPC field to the token, introspection and revocation endpoints, never reaches
/// a log line or an audit row raw: HTTP refuses it before anything is recorded, gRPC's events carry it escaped,
/// so no line an attacker composed ("FORGED exchange outcome=ok ...") appears in the log or the audit table.
/// </summary>
public sealed class ForgedLogLineTests
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private const string Forgery = "FORGED exchange outcome=ok client=orders-service";

    public static readonly string[] Breaks = ["\n", "\r\n", "\0", "\u001b[1A\u001b[2K", "\u2028"];

    private static string[] ForgedClientIds => [.. Breaks.Select(b => "x" + b + Forgery)];

    [Fact]
    public async Task No_caller_control_character_reaches_the_audit_log_or_the_audit_table()
    {
        var idp = new TestIdp("https://idp.forged.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        await using var database = await PostgresDatabase.CreateAsync();
        var logs = new CapturedLogs();
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = await LoopbackServer.StartAsync(Config(idp, jwks), builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter(TokenExchange.Silo.Events.AuditLogSink.Category, LogLevel.Debug);
        }, ["--postgres", database.ConnectionString, "--migrate", "true", "--audit", "postgres", "--key-encryption-key", kek, "--dev-issuer", "false",
            .. ClusterCertificateFiles.ForTests.Arguments]);

        var subjectToken = idp.Token();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var grpc = new Protos.V1.TokenExchange.TokenExchangeClient(channel);
        foreach (var clientId in ForgedClientIds)
        {
            foreach (var path in new[] { "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke" })
            {
                var form = path == "/oauth2/token"
                    ? new List<KeyValuePair<string, string>> { new("grant_type", Clients.TokenExchangeGrant), new("subject_token", subjectToken), new("subject_token_type", Clients.JwtType) }
                    : [new("token", "an-opaque-token-0123456789")];
                await AssertRefused(http, Post(path, [.. form, new("client_id", clientId), new("client_secret", Secret)]));
                await AssertRefused(http, Post(path, form, basic: (clientId, Secret)));
            }
            await AssertRefused(() => grpc.ExchangeAsync(new ExchangeRequest { ClientId = clientId, ClientSecret = Secret, SubjectToken = subjectToken, SubjectTokenType = Clients.JwtType }).ResponseAsync);
            await AssertRefused(() => grpc.IntrospectAsync(new TokenRequest { ClientId = clientId, ClientSecret = Secret, Token = "an-opaque-token-0123456789" }).ResponseAsync);
            await AssertRefused(() => grpc.RevokeAsync(new TokenRequest { ClientId = clientId, ClientSecret = Secret, Token = "an-opaque-token-0123456789" }).ResponseAsync);
        }

        // Each gRPC call is recorded, with its client_id escaped; the HTTP requests were refused before any record.
        var rows = await UntilRows(server.Services.GetRequiredService<AuditTable>(), 3 * Breaks.Length);
        var audit = logs.Lines.Where(l => l.Category == TokenExchange.Silo.Events.AuditLogSink.Category).Select(l => l.Message).ToList();
        Assert.Equal(3 * Breaks.Length, audit.Count(line => line.Contains(Forgery, StringComparison.Ordinal)));
        foreach (var escaped in new[] { @"client=x\nFORGED", @"client=x\r\nFORGED", @"client=x\0FORGED", @"client=x\u001b[1A\u001b[2KFORGED", @"client=x\u2028FORGED" })
            Assert.Equal(3, audit.Count(line => line.Contains(escaped, StringComparison.Ordinal)));
        Assert.Equal(3 * Breaks.Length, rows.Count(r => r.ClientId?.Contains("FORGED", StringComparison.Ordinal) == true));

        // Nothing anywhere holds a forged line: no line that mentions the forgery has a raw break, none starts with it.
        var everyLine = logs.Lines.Select(l => l.Message).Concat(rows.Select(r => JsonSerializer.Serialize(r, Raw)));
        foreach (var line in everyLine.Where(l => l.Contains("FORGED", StringComparison.Ordinal)))
        {
            Assert.False(line.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'), $"a raw control character in: {line.Replace("\u001b", "ESC")}");
            Assert.False(line.StartsWith("FORGED", StringComparison.Ordinal));
        }
    }

    /// <summary>The rows as JSON without escaping, so that a raw character in a column stays raw in the text searched.</summary>
    private static readonly JsonSerializerOptions Raw = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static HttpRequestMessage Post(string path, List<KeyValuePair<string, string>> form, (string Id, string Secret)? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (basic is { } credentials)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(credentials.Id)}:{Uri.EscapeDataString(credentials.Secret)}")));
        return request;
    }

    private static async Task AssertRefused(HttpClient http, HttpRequestMessage request)
    {
        var path = request.RequestUri!.ToString();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest && body.Contains("\"invalid_request\"", StringComparison.Ordinal), $"{path}: {response.StatusCode} {body}");
    }

    private static async Task AssertRefused(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Contains(e.StatusCode, new[] { StatusCode.InvalidArgument, StatusCode.Unauthenticated });
    }

    private static Task<IReadOnlyList<AuditRow>> UntilRows(AuditTable table, int count) =>
        Poll.UntilAsync(() => table.QueryAsync(new AuditFilter { Limit = 1000 }, CancellationToken.None), rows => rows.Count >= count,
            TimeSpan.FromSeconds(15), $"{count} audit rows written", step: TimeSpan.FromMilliseconds(50));

    private static string Config(TestIdp idp, JwksServer jwks) => TestConfig.Create()
        .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api"))
        .JwtHandler("partner", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .Enable("orders-service", isDefault: true, allowUserCreation: true))
        .ToYaml();
}
