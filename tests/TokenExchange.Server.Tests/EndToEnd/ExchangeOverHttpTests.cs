using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>The HTTP front door driven by a real OAuth client library, and the token used at a real downstream API.</summary>
[Collection(ServerCollection.Name)]
public sealed class ExchangeOverHttpTests(ServerFixture fixture) : IDisposable
{
    private readonly HttpClient http = new();

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task Duende_token_exchange_request_gets_a_token_a_jwt_bearer_api_accepts(ClientCredentialStyle style)
    {
        var response = await http.RequestTokenExchangeTokenAsync(new TokenExchangeTokenRequest
        {
            Address = new Uri(fixture.Http, "/oauth2/token").ToString(),
            ClientId = "orders-service",
            ClientSecret = ServerFixture.OrdersSecret,
            ClientCredentialStyle = style,
            SubjectToken = fixture.Idp.Token("alice-ext-1"),
            SubjectTokenType = Clients.AccessTokenType,
            Scope = "api",
            Audience = ServerFixture.OrdersAudience,
        });

        Assert.False(response.IsError, response.Error);
        Assert.Equal("Bearer", response.TokenType);
        Assert.Equal(Clients.AccessTokenType, response.IssuedTokenType);
        Assert.InRange(response.ExpiresIn, 1, 300);

        await using var api = await DownstreamApi.StartAsync(fixture.Server.Issuer, ServerFixture.OrdersAudience);
        using var whoami = await api.WhoAmI(response.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        var caller = await whoami.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("u-alice", caller.GetProperty("sub").GetString());
        Assert.Equal("orders-service", caller.GetProperty("client_id").GetString());
        Assert.Equal("api", caller.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_downstream_api_refuses_a_token_issued_for_another_audience()
    {
        var response = await http.RequestTokenExchangeTokenAsync(new TokenExchangeTokenRequest
        {
            Address = new Uri(fixture.Http, "/oauth2/token").ToString(),
            ClientId = "billing-service",
            ClientSecret = ServerFixture.BillingSecret,
            SubjectToken = fixture.Idp.Token("alice-ext-1"),
            SubjectTokenType = Clients.JwtType,
        });
        Assert.False(response.IsError, response.Error);

        await using var api = await DownstreamApi.StartAsync(fixture.Server.Issuer, ServerFixture.OrdersAudience);
        using var whoami = await api.WhoAmI(response.AccessToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, whoami.StatusCode);
    }

    public void Dispose() => http.Dispose();
}
