using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Hosting;

/// <summary>With --issuer (the address behind a load balancer) every token and the discovery document carry it.</summary>
public sealed class ExplicitIssuerTests
{
    [Fact]
    public async Task An_explicit_issuer_is_used_for_discovery_and_issued_tokens()
    {
        await using var server = await LoopbackServer.StartAsync(null, "--issuer", "https://sts.example");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        var discovery = await http.GetStringAsync("/.well-known/openid-configuration");
        var devToken = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "alice-ext-1")]));
        var token = System.Text.Json.JsonDocument.Parse(await devToken.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        Assert.Contains("\"issuer\":\"https://sts.example\"", discovery);
        Assert.Contains("\"jwks_uri\":\"https://sts.example/oauth2/jwks\"", discovery);
        Assert.Equal("https://sts.example/dev-issuer", new JsonWebToken(token).Issuer);
    }
}
