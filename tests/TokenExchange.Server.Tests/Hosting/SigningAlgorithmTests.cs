using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>RS256 by configuration: issued tokens are RS256 and validate through discovery alone.</summary>
public sealed class SigningAlgorithmTests
{
    [Fact]
    public async Task A_cluster_configured_for_rs256_signs_with_rs256()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--signing-algorithm", "RS256");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var minted = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "alice-ext-1")]));
        var subjectToken = System.Text.Json.JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var exchanged = await http.PostAsync("/oauth2/token", new FormUrlEncodedContent(
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), new("client_id", "orders-service"),
            new("client_secret", "orders-secret-0123456789abcdef"), new("subject_token", subjectToken),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"), new("token_handler", "dev-idp"),
        ]));
        var accessToken = System.Text.Json.JsonDocument.Parse(await exchanged.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

        var discovery = await new ConfigurationManager<OpenIdConnectConfiguration>(server.Issuer + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false }).GetConfigurationAsync(CancellationToken.None);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, new TokenValidationParameters
        {
            ValidIssuer = discovery.Issuer,
            ValidAudience = "https://orders.example",
            IssuerSigningKeys = discovery.SigningKeys,
        });

        Assert.Equal("RS256", new JsonWebToken(accessToken).Alg);
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void An_unsupported_algorithm_is_refused_by_name() =>
        Assert.StartsWith("--signing-algorithm", Assert.Throws<ArgumentException>(() => TokenExchangeServer.Create(["--signing-algorithm", "HS256"])).Message);
}
