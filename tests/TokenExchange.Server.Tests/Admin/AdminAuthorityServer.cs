using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Admin;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Admin;

/// <summary>
/// A server whose <c>admin:</c> section names one app (ops-console) and two users (u-admin, u-ops) as admins, with
/// a second app (partner-portal) that may ask for the admin scope too but is not listed. Both apps may create users
/// just in time. The clock that ends admin tokens' authority (<see cref="AdminAuthenticator.ClockKey"/>) is
/// <see cref="Clock"/>; the audit log is <see cref="Logs"/>.
/// </summary>
public sealed class AdminAuthorityServer : IAsyncDisposable
{
    public const string AdminKey = "authority-admin-key-0123456789abcdef";
    public const string OpsSecret = "ops-console-secret-0123456789abcdef";
    public const string PartnerSecret = "partner-portal-secret-0123456789abcdef";
    public const string Issuer = "http://sts.authority.test";

    private readonly JwksServer jwks;
    private readonly GrpcChannel channel;

    private AdminAuthorityServer(TestIdp idp, JwksServer jwks, TokenExchangeServer server, FakeTimeProvider clock, CapturedLogs logs)
    {
        Idp = idp;
        this.jwks = jwks;
        Server = server;
        Clock = clock;
        Logs = logs;
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public TestIdp Idp { get; }
    public TokenExchangeServer Server { get; }
    public FakeTimeProvider Clock { get; }
    public CapturedLogs Logs { get; }

    public Protos.V1.TokenExchange.TokenExchangeClient Exchanges => new(channel);
    public Protos.V1.Admin.AdminClient Admin => new(channel);

    public static async Task<AdminAuthorityServer> StartAsync()
    {
        var idp = new TestIdp("https://idp.authority.test");
        var jwks = await JwksServer.StartAsync(idp);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturedLogs();
        var server = await LoopbackServer.StartAsync(Config(idp, jwks), builder =>
        {
            builder.Services.AddKeyedSingleton<TimeProvider>(AdminAuthenticator.ClockKey, clock);
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter(TokenExchange.Silo.Events.AuditLogSink.Category, LogLevel.Debug);
        }, "--issuer", Issuer);
        return new AdminAuthorityServer(idp, jwks, server, clock, logs);
    }

    /// <summary>An access token with the admin scope, from <paramref name="clientId"/> for the IdP subject <paramref name="subject"/>.</summary>
    public async Task<string> AdminToken(string clientId, string subject)
    {
        var response = await Exchanges.ExchangeAsync(new ExchangeRequest
        {
            ClientId = clientId,
            ClientSecret = clientId == "ops-console" ? OpsSecret : PartnerSecret,
            SubjectToken = Idp.Token(subject),
            SubjectTokenType = Clients.JwtType,
            Scope = { AdminAuthenticator.Scope },
            Audience = { Issuer },
        });
        return response.AccessToken;
    }

    /// <summary>An admin API call (get apps) with <paramref name="credential"/>: OK, or the status it was refused with.</summary>
    public async Task<StatusCode> GetApps(string credential)
    {
        try
        {
            await Admin.GetAsync(new GetRequest { Kind = "app" }, Bearer(credential));
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    public static Metadata Bearer(string credential) => new() { { "authorization", "Bearer " + credential } };

    /// <summary>The audit log's refused admin sign-ins so far.</summary>
    public IReadOnlyList<string> RefusedSignIns() =>
        [.. Logs.Lines.Where(l => l.Category == TokenExchange.Silo.Events.AuditLogSink.Category && l.Message.Contains("admin sign-in refused", StringComparison.Ordinal)).Select(l => l.Message)];

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        await Server.DisposeAsync();
        await jwks.DisposeAsync();
    }

    private static string Config(TestIdp idp, JwksServer jwks) => TestConfig.Create()
        .Admin(key: AdminKey, clients: ["ops-console"], users: ["u-admin", "u-ops"])
        .App("ops-console", a => a.Secret(OpsSecret).Exchange().Scopes("api", "tokenexchange.admin").Audiences(Issuer))
        .App("partner-portal", a => a.Secret(PartnerSecret).Exchange().Scopes("api", "tokenexchange.admin").Audiences(Issuer))
        .JwtHandler("partner", h => h
            .TrustsTestIdp(idp.Issuer, jwks.JwksUri)
            .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
            .Enable("ops-console", isDefault: true, allowUserCreation: true)
            .Enable("partner-portal", isDefault: true, allowUserCreation: true))
        .User("u-admin", u => u.Username("admin@example.com").FederationId("admin-ext"))
        .User("u-ops", u => u.Username("ops@example.com").FederationId("ops-ext"))
        .User("u-alice", u => u.Username("alice@example.com").FederationId("alice-ext"))
        .ToYaml();
}
