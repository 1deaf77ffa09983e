using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>Refresh tokens over the wire: rotation, reuse detection, and the checks every refresh makes again.</summary>
public sealed class RefreshTokenTests : IAsyncLifetime
{
    private const string AdminKey = "refresh-admin-key-0123456789abcdef";
    private const string Secret = "orders-secret-0123456789abcdef";
    private TokenExchangeServer server = null!;
    private GrpcChannel channel = null!;
    private readonly HttpClient http = new();

    public async Task InitializeAsync()
    {
        var config = TestConfig.Create()
            .App("orders-service", a => a
                .Secret(Secret)
                .Exchange()
                .Scopes("api", "openid", "offline_access")
                .Audiences("https://orders.example")
                .RefreshTokens(lifetime: "01:00:00"))
            .App("no-refresh", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access"))
            .DevIssuerHandler("dev-idp", h => h
                .Accepts("jwt")
                .Audiences("token-exchange")
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("no-refresh", isDefault: true, allowUserCreation: true))
            .Admin(key: AdminKey)
            .ToYaml();
        server = await LoopbackServer.StartAsync(config);
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        channel.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Offline_access_brings_a_refresh_token_that_rotates_on_every_use_over_http()
    {
        var first = await Exchange("rt-user-1", "api", "offline_access");
        Assert.False(string.IsNullOrEmpty(first.RefreshToken));

        var refreshed = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = new Uri(server.HttpAddress, "/oauth2/token").ToString(),
            ClientId = "orders-service",
            ClientSecret = Secret,
            RefreshToken = first.RefreshToken,
        });

        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.NotEqual(first.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(new JsonWebToken(first.AccessToken).Subject, new JsonWebToken(refreshed.AccessToken).Subject);
        Assert.Equal("api offline_access", refreshed.Scope);
    }

    [Fact]
    public async Task A_reused_refresh_token_revokes_its_whole_family()
    {
        var first = await Exchange("rt-user-2", "api", "offline_access");
        var second = await Refresh(first.RefreshToken);

        var reuse = await RefreshFailure(first.RefreshToken);
        var afterReuse = await RefreshFailure(second.RefreshToken);

        Assert.Equal("invalid_grant", reuse);
        Assert.Equal("invalid_grant", afterReuse);
    }

    [Fact]
    public async Task The_refresh_token_can_be_the_requested_token_type()
    {
        var request = await ExchangeRequest("rt-user-3", "api");
        request.RequestedTokenType = "urn:ietf:params:oauth:token-type:refresh_token";

        var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(request);

        Assert.Equal("urn:ietf:params:oauth:token-type:refresh_token", response.IssuedTokenType);
        Assert.Equal("N_A", response.TokenType);
        Assert.False(string.IsNullOrEmpty((await Refresh(response.AccessToken)).AccessToken));
    }

    [Fact]
    public async Task Scopes_only_narrow_on_refresh()
    {
        var first = await Exchange("rt-user-4", "api", "offline_access");

        var narrowed = await Refresh(first.RefreshToken, "api");
        var widened = await RefreshFailure(narrowed.RefreshToken, "api", "openid");
        var stillGood = await Refresh(narrowed.RefreshToken);

        Assert.Equal("api", narrowed.Scope);
        Assert.Equal("invalid_scope", widened);
        Assert.Equal("api offline_access", stillGood.Scope); // a refused widening spends nothing
    }

    [Fact]
    public async Task A_refresh_token_is_not_issued_where_the_app_does_not_allow_them_nor_usable_by_another_client()
    {
        var withoutRefresh = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(await ExchangeRequest("rt-user-5", "api", "offline_access", client: "no-refresh"));
        var issued = await Exchange("rt-user-5", "api", "offline_access");

        Assert.Equal("", withoutRefresh.RefreshToken);
        Assert.Equal("invalid_grant", await RefreshFailureFor("no-refresh", issued.RefreshToken));
    }

    [Theory]
    [InlineData("user disabled")]
    [InlineData("handler disabled for the app")]
    [InlineData("user revoked")]
    [InlineData("refresh tokens disabled for the app")]
    [InlineData("token exchange disabled for the app")]
    public async Task Every_refresh_checks_again_that_the_exchange_is_still_allowed(string change)
    {
        var subject = "rt-change-" + Guid.NewGuid().ToString("N")[..8];
        var first = await Exchange(subject, "api", "offline_access");
        var userId = new JsonWebToken(first.AccessToken).Subject;
        var admin = new Protos.V1.Admin.AdminClient(channel);
        var credentials = new Metadata { { "authorization", "Bearer " + AdminKey } };
        switch (change)
        {
            case "user disabled":
                await admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = userId, Enabled = false }, credentials);
                break;
            case "handler disabled for the app":
                await AdminChange(async () => [await admin.DisableAppAsync(new DisableAppRequest { Handler = "dev-idp", ClientId = "orders-service" }, credentials)]);
                break;
            case "user revoked":
                await admin.RevokeUserAsync(new RevokeUserRequest { Id = userId }, credentials);
                break;
            case "refresh tokens disabled for the app":
                await AdminChange(async () => (await admin.ApplyAsync(new ApplyRequest { Document = OrdersApp(refresh: false, exchange: true) }, credentials)).Changes);
                break;
            case "token exchange disabled for the app":
                await AdminChange(async () => (await admin.ApplyAsync(new ApplyRequest { Document = OrdersApp(refresh: true, exchange: false) }, credentials)).Changes);
                break;
        }

        try
        {
            Assert.Equal("invalid_grant", await RefreshFailure(first.RefreshToken));
        }
        finally
        {
            // The other tests share this server's handler.
            if (change == "handler disabled for the app")
            {
                await AdminChange(async () => [await admin.EnableAppAsync(new EnableAppRequest { Handler = "dev-idp", ClientId = "orders-service", Default = true, AllowUserCreation = true }, credentials)]);
            }
            if (change.EndsWith("for the app", StringComparison.Ordinal))
            {
                await AdminChange(async () => (await admin.ApplyAsync(new ApplyRequest { Document = OrdersApp(refresh: true, exchange: true) }, credentials)).Changes);
            }
        }
    }

    /// <summary>
    /// Makes an admin change and, if it changed anything, waits until this silo's definition cache holds it
    /// (the cache follows the registry's version within about a quarter second).
    /// </summary>
    private async Task AdminChange(Func<Task<IEnumerable<Change>>> change)
    {
        var definitions = server.Services.GetRequiredService<TokenExchange.Silo.DefinitionCache>();
        var before = definitions.Snapshot.Version;
        var changes = await change();
        if (changes.All(c => c.Action == "unchanged")) return;
        await Poll.UntilAsync(() => definitions.Snapshot.Version > before, TimeSpan.FromSeconds(10), "the silo's definition cache to follow the admin change");
    }

    private static string OrdersApp(bool refresh, bool exchange) => TestConfig.Create()
        .App("orders-service", a => a
            .Secret(Secret)
            .Exchange(enabled: exchange)
            .Scopes("api", "openid", "offline_access")
            .Audiences("https://orders.example")
            .RefreshTokens(enabled: refresh, lifetime: "01:00:00"))
        .ToYaml();

    private async Task<ExchangeResponse> Exchange(string subject, params string[] scopes) =>
        await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(await ExchangeRequest(subject, scopes));

    private async Task<Protos.V1.ExchangeRequest> ExchangeRequest(string subject, params string[] scopes) => await ExchangeRequest(subject, scopes, "orders-service");

    private async Task<Protos.V1.ExchangeRequest> ExchangeRequest(string subject, string scope1, string scope2, string client) => await ExchangeRequest(subject, [scope1, scope2], client);

    private async Task<Protos.V1.ExchangeRequest> ExchangeRequest(string subject, string[] scopes, string client)
    {
        var minted = await http.PostAsync(new Uri(server.HttpAddress, "/dev-issuer/token"), new FormUrlEncodedContent([new("sub", subject)]));
        var token = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new Protos.V1.ExchangeRequest { ClientId = client, ClientSecret = Secret, SubjectToken = token, SubjectTokenType = Clients.JwtType, Scope = { scopes } };
    }

    private Task<ExchangeResponse> Refresh(string refreshToken, params string[] scopes) =>
        new Protos.V1.TokenExchange.TokenExchangeClient(channel).RefreshAsync(new Protos.V1.RefreshRequest
        {
            ClientId = "orders-service",
            ClientSecret = Secret,
            RefreshToken = refreshToken,
            Scope = { scopes },
        }).ResponseAsync;

    private async Task<string?> RefreshFailure(string refreshToken, params string[] scopes) => await RefreshFailureFor("orders-service", refreshToken, scopes);

    private async Task<string?> RefreshFailureFor(string client, string refreshToken, params string[] scopes)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Protos.V1.TokenExchange.TokenExchangeClient(channel).RefreshAsync(new Protos.V1.RefreshRequest
        {
            ClientId = client,
            ClientSecret = Secret,
            RefreshToken = refreshToken,
            Scope = { scopes },
        }));
        return e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
    }
}
