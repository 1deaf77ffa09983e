using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Protos.V1;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Http;

/// <summary>
/// Who sees a token's claims, over both front doors: the app it was issued to and the resource servers of its
/// audience; to anyone else, and for ID tokens, tokens of disabled users and tokens issued before a revocation
/// of their user or subject, the answer is only <c>{"active": false}</c>.
/// </summary>
public sealed class IntrospectionPolicyTests(IntrospectionPolicyTests.Server fixture) : IClassFixture<IntrospectionPolicyTests.Server>
{
    private const string Secret = "policy-secret-0123456789abcdef";
    private const string AdminKey = "policy-admin-key-0123456789abcdef";
    private const string OrdersAudience = "https://orders.example";

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_jwt_is_active_only_for_its_app_and_the_resource_servers_of_its_audience(string transport)
    {
        var token = (await fixture.Exchange("orders-service")).AccessToken;

        Assert.True(Active(await fixture.Introspect(transport, "orders-service", token)));
        Assert.True(Active(await fixture.Introspect(transport, "orders-api", token)));
        AssertInactive(await fixture.Introspect(transport, "other-app", token));
        AssertInactive(await fixture.Introspect(transport, "billing-api", token));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task An_opaque_token_is_active_only_for_its_app_and_the_resource_servers_of_its_audience(string transport)
    {
        var token = (await fixture.Exchange("opaque-service")).AccessToken;

        Assert.True(Active(await fixture.Introspect(transport, "opaque-service", token)));
        Assert.True(Active(await fixture.Introspect(transport, "orders-api", token)));
        AssertInactive(await fixture.Introspect(transport, "other-app", token));
        AssertInactive(await fixture.Introspect(transport, "billing-api", token));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task The_clusters_id_token_is_never_an_active_access_token(string transport)
    {
        var issued = await fixture.Exchange("orders-service", scopes: ["api", "openid"]);

        Assert.False(string.IsNullOrEmpty(issued.IdToken));
        AssertInactive(await fixture.Introspect(transport, "orders-service", issued.IdToken));
        AssertInactive(await fixture.Introspect(transport, "orders-api", issued.IdToken));
    }

    [Theory]
    [InlineData("http", "orders-service")]
    [InlineData("grpc", "orders-service")]
    [InlineData("http", "opaque-service")]
    [InlineData("grpc", "opaque-service")]
    public async Task The_tokens_of_a_disabled_user_are_inactive(string transport, string app)
    {
        var token = (await fixture.Exchange(app)).AccessToken;
        var userId = (await fixture.Introspect(transport, app, token)).GetProperty("sub").GetString()!;

        await fixture.Admin.SetUserEnabledAsync(new SetUserEnabledRequest { Id = userId, Enabled = false }, fixture.AdminCredentials);

        AssertInactive(await fixture.Introspect(transport, app, token));
        AssertInactive(await fixture.Introspect(transport, "orders-api", token));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_jwt_issued_before_its_user_was_revoked_is_inactive(string transport)
    {
        var token = (await fixture.Exchange("orders-service")).AccessToken;

        await fixture.Admin.RevokeUserAsync(new RevokeUserRequest { Id = new JsonWebToken(token).Subject }, fixture.AdminCredentials);

        AssertInactive(await fixture.Introspect(transport, "orders-service", token));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task A_jwt_issued_before_its_subject_was_revoked_is_inactive_and_another_subjects_is_not(string transport)
    {
        var revokedSubject = "revoked-" + Guid.NewGuid().ToString("N")[..8];
        var revoked = (await fixture.Exchange("orders-service", revokedSubject)).AccessToken;
        var other = (await fixture.Exchange("orders-service")).AccessToken;

        await fixture.Admin.RevokeSubjectAsync(
            new RevokeSubjectRequest { Handler = "dev-idp", Issuer = fixture.DevIssuer, Subject = revokedSubject }, fixture.AdminCredentials);

        AssertInactive(await fixture.Introspect(transport, "orders-service", revoked));
        Assert.True(Active(await fixture.Introspect(transport, "orders-service", other)));
    }

    private static bool Active(JsonElement answer) => answer.GetProperty("active").GetBoolean();

    /// <summary>RFC 7662 section 2.2: nothing but active false, so the answer tells nothing of whose the token is.</summary>
    private static void AssertInactive(JsonElement answer) =>
        Assert.Equal("""{"active":false}""", JsonSerializer.Serialize(answer));

    /// <summary>One server for the class: each test exchanges for its own subjects.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient http = new();
        private GrpcChannel channel = null!;
        private TokenExchangeServer server = null!;

        public Protos.V1.Admin.AdminClient Admin => new(channel);
        public Metadata AdminCredentials { get; } = new() { { "authorization", "Bearer " + AdminKey } };
        public string DevIssuer => server.Issuer + "/dev-issuer";

        public async Task InitializeAsync()
        {
            var config = TestConfig.Create()
                .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api", "openid").Audiences(OrdersAudience))
                .App("opaque-service", a => a.Secret(Secret).Exchange().Scopes("api").Audiences(OrdersAudience).AccessToken(format: "opaque"))
                .App("other-app", a => a.Secret(Secret).Exchange().Scopes("api"))
                .App("orders-api", a => a.Secret(Secret).Exchange(enabled: false).Introspects(OrdersAudience))
                .App("billing-api", a => a.Secret(Secret).Exchange(enabled: false).Introspects("https://billing.example"))
                .DevIssuerHandler("dev-idp", h => h
                    .Accepts("jwt")
                    .Audiences("token-exchange")
                    .Enable("orders-service", isDefault: true, allowUserCreation: true)
                    .Enable("opaque-service", isDefault: true, allowUserCreation: true)
                    .Enable("other-app", isDefault: true, allowUserCreation: true))
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

        public async Task<ExchangeResponse> Exchange(string client, string? subject = null, string[]? scopes = null)
        {
            using var minted = await http.PostAsync(new Uri(server.HttpAddress, "/dev-issuer/token"),
                new FormUrlEncodedContent([new("sub", subject ?? "policy-" + Guid.NewGuid().ToString("N")[..8])]));
            var subjectToken = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            return await new Protos.V1.TokenExchange.TokenExchangeClient(channel).ExchangeAsync(new ExchangeRequest
            {
                ClientId = client,
                ClientSecret = Secret,
                SubjectToken = subjectToken,
                SubjectTokenType = Clients.JwtType,
                Scope = { scopes ?? ["api"] },
            });
        }

        /// <summary>The RFC 7662 answer over HTTP, or over gRPC (whose active flag must agree with its JSON).</summary>
        public async Task<JsonElement> Introspect(string transport, string client, string token)
        {
            if (transport == "grpc")
            {
                var response = await new Protos.V1.TokenExchange.TokenExchangeClient(channel).IntrospectAsync(new TokenRequest { ClientId = client, ClientSecret = Secret, Token = token });
                var json = JsonDocument.Parse(response.Json).RootElement.Clone();
                Assert.Equal(response.Active, json.GetProperty("active").GetBoolean());
                return json;
            }
            using var answer = await http.PostAsync(new Uri(server.HttpAddress, "/oauth2/introspect"),
                new FormUrlEncodedContent([new("client_id", client), new("client_secret", Secret), new("token", token)]));
            Assert.True(answer.IsSuccessStatusCode, answer.StatusCode.ToString());
            return await answer.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}
