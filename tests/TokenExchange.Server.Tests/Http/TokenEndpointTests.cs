using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TokenExchange.Server.Tests.Http;

/// <summary>The HTTP token endpoint's own rules: grant type, content type, client authentication methods, parameters.</summary>
[Collection(ServerCollection.Name)]
public sealed class TokenEndpointTests(ServerFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    [Fact]
    public async Task Client_secret_basic_authenticates()
    {
        using var response = await clients.PostToken(Requests.Orders(fixture), basic: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_wrong_basic_secret_gets_401_with_a_basic_challenge()
    {
        var request = Requests.Orders(fixture);
        request.ClientSecret = "not-the-secret-not-the-secret";

        using var response = await clients.PostToken(request, basic: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("invalid_client", await Error(response));
    }

    [Fact]
    public async Task An_unsupported_grant_type_is_refused()
    {
        using var response = await clients.PostToken(Requests.Orders(fixture), grantType: "client_credentials");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", await Error(response));
    }

    [Fact]
    public async Task A_missing_grant_type_is_an_invalid_request()
    {
        using var response = await clients.Http.PostAsync("/oauth2/token", new FormUrlEncodedContent([new("client_id", "orders-service")]));

        Assert.Equal("invalid_request", await Error(response));
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_an_invalid_request()
    {
        using var response = await clients.Http.PostAsync("/oauth2/token", new StringContent("{\"grant_type\":\"x\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await Error(response));
    }

    [Fact]
    public async Task A_repeated_single_valued_parameter_is_an_invalid_request()
    {
        using var response = await clients.Http.PostAsync("/oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", Clients.TokenExchangeGrant), new("client_id", "orders-service"), new("client_id", "billing-service"),
        ]));

        Assert.Equal("invalid_request", await Error(response));
    }

    [Fact]
    public async Task Basic_and_post_credentials_together_are_an_invalid_request()
    {
        var request = Requests.Orders(fixture);
        var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", Clients.TokenExchangeGrant), new("client_secret", ServerFixture.OrdersSecret),
                new("subject_token", request.SubjectToken), new("subject_token_type", Clients.JwtType),
            ]),
        };
        message.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"orders-service:{ServerFixture.OrdersSecret}")));

        using var response = await clients.Http.SendAsync(message);

        Assert.Equal("invalid_request", await Error(response));
    }

    [Fact]
    public async Task Several_audiences_are_accepted_when_each_is_allowed()
    {
        var request = Requests.Orders(fixture);
        request.Audience.Add(ServerFixture.OrdersAudience);
        request.Resource.Add(ServerFixture.OrdersAudience);

        using var response = await clients.PostToken(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string?> Error(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();

    public void Dispose() => clients.Dispose();
}
