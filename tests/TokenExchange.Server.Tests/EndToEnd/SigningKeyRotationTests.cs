using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.EndToEnd;

/// <summary>Key rotation over the wire: published before it signs; the replaced key keeps validating its tokens.</summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private const string AdminKey = "rotation-admin-key-0123456789abcdef";
    private TokenExchangeServer server = null!;
    private GrpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(ServerFixture.OrdersSecret).Exchange().Scopes("api"))
            .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Enable("orders-service", isDefault: true, allowUserCreation: true))
            .Admin(key: AdminKey)
            .ToYaml();
        server = await LoopbackServer.StartAsync(config, "--key-activation-delay", "00:00:01", "--key-retention", "00:10:00");
        channel = GrpcChannel.ForAddress(server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_token_signed_just_before_a_rotation_still_validates_after_it()
    {
        var before = await Exchange();
        var keys = await new Protos.V1.Admin.AdminClient(channel).RotateKeysAsync(new RotateKeysRequest(), new Metadata { { "authorization", "Bearer " + AdminKey } });
        var justAfter = await Exchange();
        var newKid = keys.Keys.Single(k => k.Status == "published").Kid;

        Assert.Equal(2, keys.Keys.Count);
        Assert.Equal(before.Kid, keys.Keys.Single(k => k.Status == "signing").Kid);
        Assert.Equal(before.Kid, justAfter.Kid); // not signing before its activation delay
        Assert.Equal(2, (await Discovery()).SigningKeys.Count); // but published at once

        // The new key signs once its activation delay (1 s) has passed and the silo's key cache rebuilt its ring.
        var later = await Poll.UntilAsync(Exchange, t => t.Kid == newKid, TimeSpan.FromSeconds(10), "a token signed with the new key", step: TimeSpan.FromMilliseconds(100));

        Assert.Equal(newKid, later.Kid);
        var jwks = await Discovery();
        foreach (var token in new[] { before, justAfter, later })
        {
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
            {
                ValidIssuer = jwks.Issuer,
                ValidAudience = "orders-service",
                IssuerSigningKeys = jwks.SigningKeys,
            });
            Assert.True(result.IsValid, result.Exception?.Message);
        }
    }

    private async Task<JsonWebToken> Exchange()
    {
        using var http = new HttpClient();
        var form = await http.PostAsync(new Uri(server.HttpAddress, "/dev-issuer/token"), new FormUrlEncodedContent([new("sub", "rotation-subject")]));
        var subjectToken = System.Text.Json.JsonDocument.Parse(await form.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(new Protos.V1.ExchangeRequest
        {
            ClientId = "orders-service",
            ClientSecret = ServerFixture.OrdersSecret,
            SubjectToken = subjectToken,
            SubjectTokenType = Clients.JwtType,
        });
        return new JsonWebToken(response.AccessToken);
    }

    private Task<OpenIdConnectConfiguration> Discovery() =>
        new ConfigurationManager<OpenIdConnectConfiguration>(server.Issuer + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);
}
