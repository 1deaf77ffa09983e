using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using TokenExchange.Protos.V1;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Admin;

/// <summary>
/// The admin API's apply refuses a handler whose JWKS or introspection endpoint is plain http:// to a host that
/// is not loopback, names the rule, and leaves the handlers as they were; allowInsecureHttp: true is accepted
/// and shown by get handlers.
/// </summary>
public sealed class InsecureIdpEndpointApplyTests
{
    private const string AdminKey = "insecure-idp-admin-key-0123456789abcdef";

    private static readonly string Config = TestConfig.Create()
        .App("orders-service", a => a.Secret("orders-secret-0123456789abcdef").Exchange())
        .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Enable("orders-service", isDefault: true))
        .Admin(key: AdminKey)
        .ToYaml();

    private static string Document(string name, string jwks, bool allowInsecureHttp = false) => TestConfig.Create()
        .JwtHandler(name, h => h
            .Issuer("https://idp.partner.example")
            .Jwks(jwks)
            .Accepts("jwt")
            .Audiences("token-exchange")
            .AllowInsecureHttp(allowInsecureHttp)
            .Enable("orders-service"))
        .ToYaml();

    [Fact]
    public async Task Apply_refuses_a_plain_http_jwks_uri_and_accepts_https_loopback_and_the_development_flag()
    {
        await using var server = await LoopbackServer.StartAsync(Config);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var admin = new Protos.V1.Admin.AdminClient(channel);
        var key = new Metadata { { "authorization", "Bearer " + AdminKey } };

        foreach (var dryRun in new[] { true, false })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await admin.ApplyAsync(new ApplyRequest { Document = Document("plain", "http://idp.partner.example/jwks"), DryRun = dryRun }, key));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains("jwks.uri must be https://", refused.Status.Detail);
        }
        await admin.ApplyAsync(new ApplyRequest { Document = Document("secure", "https://idp.partner.example/jwks") }, key);
        await admin.ApplyAsync(new ApplyRequest { Document = Document("loopback", "http://127.0.0.1:9/jwks") }, key);
        await admin.ApplyAsync(new ApplyRequest { Document = Document("development", "http://idp.dev.internal/jwks", allowInsecureHttp: true) }, key);

        var handlers = (await admin.GetAsync(new GetRequest { Kind = "handler" }, key)).Items.ToDictionary(i => i.Name, i => JsonDocument.Parse(i.Json).RootElement);
        Assert.Equal(["dev-idp", "development", "loopback", "secure"], handlers.Keys.Order(StringComparer.Ordinal));
        Assert.True(handlers["development"].GetProperty("allowInsecureHttp").GetBoolean());
        Assert.False(handlers["secure"].GetProperty("allowInsecureHttp").GetBoolean());
    }
}
