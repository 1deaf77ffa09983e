using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Server.Tests.EndToEnd;

[Collection(ServerCollection.Name)]
public sealed class ExchangeOverGrpcTests(ServerFixture fixture) : IDisposable
{
    private readonly Clients clients = new(fixture);

    [Fact]
    public async Task Issues_an_access_token_that_validates_through_discovery_and_jwks_alone()
    {
        var response = await clients.Grpc.ExchangeAsync(Requests.Orders(fixture));

        Assert.Equal("Bearer", response.TokenType);
        Assert.Equal(Clients.AccessTokenType, response.IssuedTokenType);
        Assert.Equal("api", response.Scope);
        Assert.InRange(response.ExpiresIn, 1, 300);

        var validated = await ValidateThroughDiscovery(response.AccessToken, ServerFixture.OrdersAudience);
        Assert.True(validated.IsValid, validated.Exception?.Message);
        var token = (JsonWebToken)validated.SecurityToken;
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("u-alice", token.Subject);
        Assert.Equal("orders-service", token.GetClaim("client_id").Value);
        Assert.Equal("api", token.GetClaim("scope").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
    }

    [Fact]
    public async Task Issues_an_id_token_when_openid_is_asked_for()
    {
        var request = Requests.Orders(fixture);
        request.Scope.Add("openid");

        var response = await clients.Grpc.ExchangeAsync(request);

        var validated = await ValidateThroughDiscovery(response.IdToken, "orders-service");
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("u-alice", ((JsonWebToken)validated.SecurityToken).Subject);
        Assert.Equal("Alice", ((JsonWebToken)validated.SecurityToken).GetClaim("name").Value);
    }

    [Fact]
    public async Task Issues_an_id_token_as_the_token_when_it_is_the_requested_type()
    {
        var request = Requests.Orders(fixture);
        request.Scope.Add("openid");
        request.RequestedTokenType = "urn:ietf:params:oauth:token-type:id_token";

        var response = await clients.Grpc.ExchangeAsync(request);

        Assert.Equal("N_A", response.TokenType);
        Assert.Equal("urn:ietf:params:oauth:token-type:id_token", response.IssuedTokenType);
        Assert.Equal("orders-service", new JsonWebToken(response.AccessToken).Audiences.Single());
    }

    [Fact]
    public async Task Never_issues_a_token_that_outlives_the_subject_token()
    {
        var request = Requests.Orders(fixture, fixture.Idp.Token("alice-ext-1", expiresIn: TimeSpan.FromSeconds(90)));

        var response = await clients.Grpc.ExchangeAsync(request);

        Assert.InRange(response.ExpiresIn, 1, 90);
    }

    [Fact]
    public async Task Creates_a_user_for_a_new_subject_where_the_app_allows_it_and_keeps_it()
    {
        var subject = "new-" + Guid.NewGuid().ToString("N");

        var first = await clients.Grpc.ExchangeAsync(Requests.Orders(fixture, fixture.Idp.Token(subject)));
        var second = await clients.Grpc.ExchangeAsync(Requests.Orders(fixture, fixture.Idp.Token(subject)));

        var userId = new JsonWebToken(first.AccessToken).Subject;
        Assert.StartsWith("u-", userId);
        Assert.DoesNotContain(subject, userId);
        Assert.Equal(userId, new JsonWebToken(second.AccessToken).Subject);
    }

    [Fact]
    public async Task Accepts_the_subject_token_type_in_salesforce_upper_case_spelling()
    {
        var request = Requests.Orders(fixture);
        request.SubjectTokenType = "urn:ietf:params:oauth:token-type:JWT";

        var response = await clients.Grpc.ExchangeAsync(request);

        Assert.Equal("u-alice", new JsonWebToken(response.AccessToken).Subject);
    }

    [Fact]
    public async Task Accepts_a_subject_token_of_ten_thousand_characters()
    {
        // Base64url grows the claim by 4/3; aim just under 10,000 characters in all.
        var padding = new string('x', (9_950 - fixture.Idp.Token().Length) * 3 / 4);
        var token = fixture.Idp.Token(claims: new Dictionary<string, object> { ["pad"] = padding });
        Assert.InRange(token.Length, 9_800, 10_000);

        var response = await clients.Grpc.ExchangeAsync(Requests.Orders(fixture, token));

        Assert.Equal("u-alice", new JsonWebToken(response.AccessToken).Subject);
    }

    private async Task<TokenValidationResult> ValidateThroughDiscovery(string token, string audience)
    {
        var discovery = new ConfigurationManager<OpenIdConnectConfiguration>(
            fixture.Server.Issuer + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = false });
        var configuration = await discovery.GetConfigurationAsync(CancellationToken.None);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAudience = audience,
        });
    }

    public void Dispose() => clients.Dispose();
}
