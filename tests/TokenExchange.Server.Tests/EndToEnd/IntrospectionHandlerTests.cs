using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>
/// The built-in introspection handler in a running server, against an IdP's introspection endpoint on
/// loopback: an active token is exchanged (and asked about once while its answer is cached), an inactive
/// one refused, and an endpoint that is down or slower than the handler's timeout makes the exchange
/// temporarily unavailable.
/// </summary>
public sealed class IntrospectionHandlerTests : IAsyncLifetime
{
    private const string OrdersSecret = "orders-secret-0123456789abcdef";
    private const string BillingSecret = "billing-secret-0123456789abcdef";

    private IntrospectionIdp idp = null!;
    private TokenExchangeServer server = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        idp = await IntrospectionIdp.StartAsync();
        var introspect = new Uri(idp.BaseAddress, "/introspect");
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(OrdersSecret).Exchange().Scopes("api"))
            .App("billing-service", a => a.Secret(BillingSecret).Exchange().Scopes("api"))
            .IntrospectionHandler("opaque-idp", h => h
                .Accepts("access_token")
                .Introspection(introspect.ToString(), clientId: IntrospectionIdp.ClientId, clientSecret: IntrospectionIdp.ClientSecret)
                .UserMapping(claim: "sub", attribute: "federationId", linkExisting: true)
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("billing-service", isDefault: true))
            .IntrospectionHandler("opaque-down", h => h
                .Accepts("access_token")
                .Introspection(IntrospectionIdp.Unreachable().ToString(), clientId: IntrospectionIdp.ClientId, clientSecret: IntrospectionIdp.ClientSecret)
                .Enable("orders-service", allowUserCreation: true))
            .IntrospectionHandler("opaque-slow", h => h
                .Accepts("access_token")
                .Timeout("00:00:00.300")
                .Introspection(new Uri(idp.BaseAddress, "/slow").ToString(), clientId: IntrospectionIdp.ClientId, clientSecret: IntrospectionIdp.ClientSecret)
                .Enable("orders-service", allowUserCreation: true))
            .IntrospectionHandler("opaque-wrong-credentials", h => h
                .Accepts("access_token")
                .Introspection(introspect.ToString(), clientId: IntrospectionIdp.ClientId, clientSecret: "not-our-secret")
                .Enable("orders-service", allowUserCreation: true))
            .IntrospectionHandler("opaque-userinfo", h => h
                .Accepts("access_token")
                .Introspection(new Uri(idp.BaseAddress, "/userinfo").ToString(), userinfo: true, issuer: "https://userinfo-idp.example")
                .Enable("orders-service", allowUserCreation: true))
            .User("u-alice", u => u.Username("alice@example.com").FederationId("alice-ext-1"))
            .ToYaml();
        server = await LoopbackServer.StartAsync(config);
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        await idp.DisposeAsync();
    }

    [Fact]
    public async Task An_active_token_is_exchanged_for_its_mapped_user()
    {
        var response = await Exchange(Request("orders-service", OrdersSecret, "active-alice-ext-1"));

        Assert.Equal("u-alice", new JsonWebToken(response.AccessToken).Subject);
        Assert.InRange(response.ExpiresIn, 1, 120); // never beyond the subject token's exp
        Assert.Equal(1, idp.Calls("active-alice-ext-1"));
    }

    [Fact]
    public async Task A_new_subject_becomes_a_user_once_and_its_token_is_asked_about_once_while_cached()
    {
        var first = await Exchange(Request("orders-service", OrdersSecret, "active-carol-ext-3"));
        var second = await Exchange(Request("orders-service", OrdersSecret, "active-carol-ext-3"));
        var fromBilling = await Exchange(Request("billing-service", BillingSecret, "active-carol-ext-3"));

        var user = new JsonWebToken(first.AccessToken).Subject;
        Assert.StartsWith("u-", user);
        Assert.NotEqual("u-alice", user);
        Assert.Equal(user, new JsonWebToken(second.AccessToken).Subject);
        Assert.Equal(user, new JsonWebToken(fromBilling.AccessToken).Subject);
        Assert.Equal(1, idp.Calls("active-carol-ext-3"));
    }

    [Fact]
    public async Task An_inactive_token_is_refused()
    {
        var (status, code, message) = await Failure(Request("orders-service", OrdersSecret, "revoked-token-1"));

        Assert.Equal((StatusCode.InvalidArgument, "invalid_request"), (status, code));
        Assert.Equal("subject_token is not active", message);
        Assert.Equal(1, idp.Calls("revoked-token-1"));
    }

    [Fact]
    public async Task An_endpoint_that_is_down_makes_the_exchange_temporarily_unavailable()
    {
        var (status, code, _) = await Failure(Request("orders-service", OrdersSecret, "active-dan-ext-4", "opaque-down"));

        Assert.Equal((StatusCode.Unavailable, "temporarily_unavailable"), (status, code));
    }

    [Fact]
    public async Task An_endpoint_slower_than_the_handlers_timeout_makes_the_exchange_temporarily_unavailable()
    {
        var started = TimeProvider.System.GetTimestamp();

        var (status, code, _) = await Failure(Request("orders-service", OrdersSecret, "active-erin-ext-5", "opaque-slow"));

        Assert.Equal((StatusCode.Unavailable, "temporarily_unavailable"), (status, code));
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(1, idp.Calls("active-erin-ext-5"));
    }

    [Fact]
    public async Task Client_credentials_the_endpoint_refuses_are_a_server_error()
    {
        var (status, code, message) = await Failure(Request("orders-service", OrdersSecret, "active-frank-ext-6", "opaque-wrong-credentials"));

        Assert.Equal((StatusCode.Internal, "server_error"), (status, code));
        Assert.DoesNotContain("not-our-secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_userinfo_mode_exchanges_an_active_token_and_refuses_one_the_endpoint_rejects()
    {
        var response = await Exchange(Request("orders-service", OrdersSecret, "active-gina-ext-7", "opaque-userinfo"));
        var (status, code, message) = await Failure(Request("orders-service", OrdersSecret, "expired-token-8", "opaque-userinfo"));

        Assert.StartsWith("u-", new JsonWebToken(response.AccessToken).Subject);
        Assert.Equal((StatusCode.InvalidArgument, "invalid_request", "subject_token is not active"), (status, code, message));
    }

    private static Protos.V1.ExchangeRequest Request(string client, string secret, string token, string? handler = null)
    {
        var request = new Protos.V1.ExchangeRequest
        {
            ClientId = client,
            ClientSecret = secret,
            SubjectToken = token,
            SubjectTokenType = "urn:ietf:params:oauth:token-type:access_token",
        };
        if (handler is not null) request.TokenHandler = handler;
        return request;
    }

    private Task<ExchangeResponse> Exchange(Protos.V1.ExchangeRequest request) =>
        new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request).ResponseAsync;

    private async Task<(StatusCode Status, string? Code, string Message)> Failure(Protos.V1.ExchangeRequest request)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request));
        return (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason, e.Status.Detail);
    }
}
