using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Plugins;

/// <summary>
/// Operators' handlers loaded from a plugins folder into a running server: the sample partner handler
/// against a partner API on loopback, and handlers that misbehave, which must fail only their exchanges.
/// </summary>
public sealed class CustomHandlerTests : IAsyncLifetime
{
    private const string AdminKey = "plugin-admin-key-0123456789abcdef";
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private const string BillingSecret = "billing-secret-0123456789abcdef";

    private readonly PluginFolder plugins = new();
    private PartnerApi partner = null!;
    private TokenExchangeServer server = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        partner = await PartnerApi.StartAsync();
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(OrdersSecret).Exchange().Scopes("api"))
            .App("billing-service", a => a.Secret(BillingSecret).Exchange().Scopes("api"))
            .PluginHandler("partner", "Partner.Handlers.PartnerApiHandler, PartnerHandler", h => h
                .Accepts("access_token")
                .Setting("apiBase", partner.BaseAddress.ToString())
                .Setting("apiKey", PartnerApi.ApiKey)
                .Setting("issuer", "https://partner.example")
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("billing-service", isDefault: true))
            .PluginHandler("throwing", "TokenExchange.TestPlugins.ThrowingHandler, TokenExchange.TestPlugins", h => h.Accepts("access_token").Enable("orders-service"))
            .PluginHandler("hanging", "TokenExchange.TestPlugins.HangingHandler, TokenExchange.TestPlugins", h => h.Timeout("00:00:00.300").Accepts("access_token").Enable("orders-service"))
            .PluginHandler("nonsense", "TokenExchange.TestPlugins.NonsenseHandler, TokenExchange.TestPlugins", h => h.Accepts("access_token").Enable("orders-service"))
            .PluginHandler("refusing", "TokenExchange.TestPlugins.RefusingHandler, TokenExchange.TestPlugins", h => h.Accepts("access_token").Enable("orders-service"))
            .PluginHandler("broken", "TokenExchange.TestPlugins.NoSuchHandler, TokenExchange.TestPlugins", h => h.Accepts("access_token").Enable("orders-service"))
            .Admin(key: AdminKey)
            .ToYaml();
        server = await LoopbackServer.StartAsync(config, "--plugins", plugins.Path);
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        await partner.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task The_sample_handler_validates_at_the_partner_and_creates_the_user_once()
    {
        var first = await Exchange("orders-service", OrdersSecret, "good-p-100");
        var second = await Exchange("orders-service", OrdersSecret, "good-p-100");

        var user = new JsonWebToken(first.AccessToken).Subject;
        Assert.StartsWith("u-", user);
        Assert.Equal(user, new JsonWebToken(second.AccessToken).Subject);
        Assert.InRange(first.ExpiresIn, 1, 120); // never beyond the partner token's own expiry
    }

    [Fact]
    public async Task The_sample_handler_creates_users_only_where_the_app_allows()
    {
        var (status, code, message) = await Failure(Request("billing-service", BillingSecret, "good-p-200"));
        await Exchange("orders-service", OrdersSecret, "good-p-201");
        var existing = await Exchange("billing-service", BillingSecret, "good-p-201");

        Assert.Equal((StatusCode.PermissionDenied, "invalid_grant"), (status, code));
        Assert.Equal("no account is linked to this partner user", message);
        Assert.StartsWith("u-", new JsonWebToken(existing.AccessToken).Subject);
    }

    [Fact]
    public async Task A_token_the_partner_does_not_recognise_is_refused_with_the_handlers_message()
    {
        var (status, code, message) = await Failure(Request("orders-service", OrdersSecret, "stolen-token"));

        Assert.Equal((StatusCode.InvalidArgument, "invalid_request"), (status, code));
        Assert.Equal("the partner does not recognise this token", message);
    }

    [Theory]
    [InlineData("throwing", StatusCode.Internal, "server_error")]
    [InlineData("hanging", StatusCode.Unavailable, "temporarily_unavailable")]
    [InlineData("nonsense", StatusCode.Internal, "server_error")]
    [InlineData("refusing", StatusCode.InvalidArgument, "invalid_request")]
    [InlineData("broken", StatusCode.Internal, "server_error")]
    public async Task A_misbehaving_handler_fails_its_exchange_and_nothing_else(string handler, StatusCode expectedStatus, string expectedCode)
    {
        var request = Request("orders-service", OrdersSecret, "good-p-300");
        request.TokenHandler = handler;

        var (status, code, message) = await Failure(request);
        var stillServing = await Exchange("orders-service", OrdersSecret, "good-p-301");

        Assert.Equal((expectedStatus, expectedCode), (status, code));
        Assert.DoesNotContain("exploded", message);
        Assert.False(string.IsNullOrEmpty(stillServing.AccessToken));
    }

    [Theory]
    [InlineData("TokenExchange.TestPlugins.NoSuchHandler, TokenExchange.TestPlugins", "is not in assembly")]
    [InlineData("TokenExchange.TestPlugins.NotAHandler, TokenExchange.TestPlugins", "does not derive from TokenExchangeHandler")]
    [InlineData("Some.Handler, NotThere", "is not in the plugins folder")]
    public async Task A_definition_naming_a_type_that_cannot_run_is_refused_when_applied(string implementation, string reason)
    {
        var admin = new Protos.V1.Admin.AdminClient(channel);
        var document = TestConfig.Create()
            .PluginHandler("new-handler", implementation, h => h.Accepts("access_token").Enable("orders-service"))
            .ToYaml();

        var e = await Assert.ThrowsAsync<RpcException>(async () => await admin.ApplyAsync(new ApplyRequest { Document = document },
            new Metadata { { "authorization", "Bearer " + AdminKey } }));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains(reason, e.Status.Detail);
        Assert.False(string.IsNullOrEmpty((await Exchange("orders-service", OrdersSecret, "good-p-400")).AccessToken));
    }

    private static Protos.V1.ExchangeRequest Request(string client, string secret, string token) => new()
    {
        ClientId = client,
        ClientSecret = secret,
        SubjectToken = token,
        SubjectTokenType = "urn:ietf:params:oauth:token-type:access_token",
    };

    private Task<ExchangeResponse> Exchange(string client, string secret, string token) =>
        new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(Request(client, secret, token)).ResponseAsync;

    private async Task<(StatusCode Status, string? Code, string Message)> Failure(Protos.V1.ExchangeRequest request)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request));
        return (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason, e.Status.Detail);
    }
}
