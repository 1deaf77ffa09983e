using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Http;

/// <summary>RFC 7662 introspection and RFC 7009 revocation, driven by a real OAuth client library.</summary>
public sealed class IntrospectionAndRevocationTests : IAsyncLifetime
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private const string AdminKey = "introspect-admin-key-0123456789abcdef";
    private readonly HttpClient http = new();
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        var config = TestConfig.Create()
            .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").RefreshTokens())
            .App("resource-api", a => a.Secret("resource-secret-0123456789").Exchange(enabled: false).Introspects("orders-service", "opaque-service"))
            .App("opaque-service", a => a.Secret(Secret).Exchange().Scopes("api", "offline_access").AccessToken(format: "opaque").RefreshTokens())
            .DevIssuerHandler("dev-idp", h => h
                .Accepts("jwt")
                .Audiences("token-exchange")
                .Enable("orders-service", isDefault: true, allowUserCreation: true)
                .Enable("opaque-service", isDefault: true, allowUserCreation: true))
            .Admin(key: AdminKey)
            .ToYaml();
        server = await LoopbackServer.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_resource_server_introspects_an_access_token_and_garbage_is_inactive()
    {
        var tokens = await Exchange();

        var active = await Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789");
        var garbage = await Introspect("not.a.token", "resource-api", "resource-secret-0123456789");

        Assert.True(active.IsActive, active.Error);
        Assert.Equal("orders-service", active.Claims.Single(c => c.Type == "client_id").Value);
        Assert.StartsWith("u-", active.Claims.Single(c => c.Type == "sub").Value);
        Assert.False(garbage.IsActive);
    }

    [Fact]
    public async Task Only_the_app_a_refresh_token_was_issued_to_sees_it_and_a_revoked_one_is_inactive_and_unusable()
    {
        var tokens = await Exchange();

        var byOwner = await Introspect(tokens.RefreshToken!, "orders-service", Secret);
        var byOther = await Introspect(tokens.RefreshToken!, "resource-api", "resource-secret-0123456789");
        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = Url("/oauth2/revoke"),
            ClientId = "orders-service",
            ClientSecret = Secret,
            Token = tokens.RefreshToken!,
        });
        var afterRevocation = await Introspect(tokens.RefreshToken!, "orders-service", Secret);
        var refresh = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = Url("/oauth2/token"),
            ClientId = "orders-service",
            ClientSecret = Secret,
            RefreshToken = tokens.RefreshToken!,
        });

        Assert.True(byOwner.IsActive);
        Assert.Equal("refresh_token", byOwner.Claims.Single(c => c.Type == "token_type").Value);
        Assert.False(byOther.IsActive);
        Assert.False(revoked.IsError, revoked.Error);
        Assert.False(afterRevocation.IsActive);
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task Revoking_a_jwt_is_unsupported_and_an_unknown_token_is_no_error()
    {
        var tokens = await Exchange();

        var jwt = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = Url("/oauth2/revoke"), ClientId = "orders-service", ClientSecret = Secret, Token = tokens.AccessToken! });
        var unknown = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = Url("/oauth2/revoke"), ClientId = "orders-service", ClientSecret = Secret, Token = "unknown-token" });

        Assert.Equal("unsupported_token_type", jwt.Error);
        Assert.False(unknown.IsError, unknown.Error);
    }

    [Fact]
    public async Task An_opaque_access_token_is_a_handle_that_introspects_to_its_claims_until_revoked()
    {
        var tokens = await Exchange("opaque-service");

        var active = await Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789");
        var revocation = await http.RevokeTokenAsync(new TokenRevocationRequest { Address = Url("/oauth2/revoke"), ClientId = "opaque-service", ClientSecret = Secret, Token = tokens.AccessToken! });
        var revoked = await Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789");

        Assert.DoesNotContain('.', tokens.AccessToken!);
        Assert.True(active.IsActive, active.Error);
        Assert.Equal("opaque-service", active.Claims.Single(c => c.Type == "client_id").Value);
        Assert.StartsWith("u-", active.Claims.Single(c => c.Type == "sub").Value);
        Assert.False(revocation.IsError, revocation.Error);
        Assert.False(revoked.IsActive);
    }

    [Fact]
    public async Task Revoking_a_user_ends_its_opaque_and_refresh_tokens_cluster_wide()
    {
        var tokens = await Exchange("opaque-service");
        var userId = (await Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789")).Claims.Single(c => c.Type == "sub").Value;
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcAddress);

        await new Protos.V1.Admin.AdminClient(channel).RevokeUserAsync(new Protos.V1.RevokeUserRequest { Id = userId }, new global::Grpc.Core.Metadata { { "authorization", "Bearer " + AdminKey } });

        Assert.False((await Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789")).IsActive);
        Assert.False((await Introspect(tokens.RefreshToken!, "opaque-service", Secret)).IsActive);
    }

    [Fact]
    public async Task Revoking_a_subject_ends_what_was_issued_for_it_and_nothing_else()
    {
        var revokedSubject = await Exchange("opaque-service", subject: "revoked-subject");
        var otherSubject = await Exchange("opaque-service", subject: "other-subject");
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcAddress);

        await new Protos.V1.Admin.AdminClient(channel).RevokeSubjectAsync(
            new Protos.V1.RevokeSubjectRequest { Handler = "dev-idp", Issuer = server.Issuer + "/dev-issuer", Subject = "revoked-subject" },
            new global::Grpc.Core.Metadata { { "authorization", "Bearer " + AdminKey } });

        Assert.False((await Introspect(revokedSubject.AccessToken!, "resource-api", "resource-secret-0123456789")).IsActive);
        Assert.False((await Introspect(revokedSubject.RefreshToken!, "opaque-service", Secret)).IsActive);
        Assert.True((await Introspect(otherSubject.AccessToken!, "resource-api", "resource-secret-0123456789")).IsActive);
    }

    [Fact]
    public async Task An_expired_access_token_is_inactive()
    {
        var tokens = await Exchange(ttl: "00:00:02"); // issued tokens never outlive the subject token

        // A real expiry in the server's own clock: polled (bounded) instead of sleeping past it.
        var expired = await Poll.UntilAsync(() => Introspect(tokens.AccessToken!, "resource-api", "resource-secret-0123456789"), r => !r.IsActive,
            TimeSpan.FromSeconds(10), "the access token (2 s lifetime) to be inactive", step: TimeSpan.FromMilliseconds(100));

        Assert.InRange(tokens.ExpiresIn, 0, 2);
        Assert.False(expired.IsActive);
    }

    [Fact]
    public async Task Introspection_needs_an_authenticated_app()
    {
        var tokens = await Exchange();

        var response = await Introspect(tokens.AccessToken!, "resource-api", "wrong-secret-0123456789");

        Assert.True(response.IsError);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.HttpStatusCode);
    }

    private Task<TokenIntrospectionResponse> Introspect(string token, string client, string secret) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest { Address = Url("/oauth2/introspect"), ClientId = client, ClientSecret = secret, Token = token });

    private async Task<TokenResponse> Exchange(string client = "orders-service", string ttl = "00:10:00", string? subject = null)
    {
        var minted = await http.PostAsync(Url("/dev-issuer/token"), new FormUrlEncodedContent([new("sub", subject ?? "introspected-" + Guid.NewGuid().ToString("N")[..6]), new("ttl", ttl)]));
        var subjectToken = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var response = await http.RequestTokenExchangeTokenAsync(new TokenExchangeTokenRequest
        {
            Address = Url("/oauth2/token"),
            ClientId = client,
            ClientSecret = Secret,
            SubjectToken = subjectToken,
            SubjectTokenType = "urn:ietf:params:oauth:token-type:jwt",
            Scope = "api offline_access",
        });
        Assert.False(response.IsError, response.Error);
        return response;
    }

    private string Url(string path) => new Uri(server.HttpAddress, path).ToString();
}
