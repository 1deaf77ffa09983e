using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using TokenExchange.Protos.V1;
using TokenExchange.Silo;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Proofs;

/// <summary>
/// DPoP nonces are checked without state (docs/architecture.md, "DPoP nonces"): two silos of one cluster (in this
/// process, on one PostgreSQL database, sharing the key-encryption key) each accept the nonce the other issued.
/// </summary>
public sealed class DpopNonceTwoSiloTests
{
    private const string Secret = "nonce-secret-0123456789abcdef";
    private const string Issuer = "http://sts.nonces.test";

    [Fact]
    public async Task A_nonce_one_silo_issued_is_good_on_the_other()
    {
        var idp = new TestIdp("https://idp.nonces.test");
        await using var jwks = await JwksServer.StartAsync(idp);
        await using var database = await PostgresDatabase.CreateAsync();
        var config = TestConfig.Create()
            .App("nonce-service", a => a.Secret(Secret).Exchange().RequireDpop().RequireDpopNonce())
            .JwtHandler("partner", h => h.TrustsTestIdp(idp.Issuer, jwks.JwksUri).Enable("nonce-service", isDefault: true, allowUserCreation: true))
            .ToYaml();
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] args = ["--postgres", database.ConnectionString, "--key-encryption-key", kek, "--issuer", Issuer, "--dev-issuer", "false",
            .. ClusterCertificateFiles.ForTests.Arguments];
        await using var siloA = await LoopbackServer.StartAsync(config, [.. args, "--migrate", "true"]);
        await using var siloB = await LoopbackServer.StartAsync(config, args);
        var cacheB = siloB.Services.GetRequiredService<DefinitionCache>();
        await Poll.UntilAsync(() => cacheB.Snapshot.Apps.ContainsKey("nonce-service"), TimeSpan.FromSeconds(30), "the second silo to see nonce-service", step: TimeSpan.FromMilliseconds(50));
        var key = new DpopKey();
        using var httpA = new HttpClient { BaseAddress = siloA.HttpAddress };
        using var channelB = GrpcChannel.ForAddress(siloB.GrpcAddress);

        // Silo A asks for a nonce over HTTP...
        using var message = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent([
                new("grant_type", Clients.TokenExchangeGrant), new("client_id", "nonce-service"), new("client_secret", Secret),
                new("subject_token", idp.Token()), new("subject_token_type", Clients.JwtType)]),
        };
        message.Headers.TryAddWithoutValidation("DPoP", key.Proof(Issuer + "/oauth2/token"));
        using var refused = await httpA.SendAsync(message);
        Assert.Equal("use_dpop_nonce", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var nonce = Assert.Single(refused.Headers.GetValues("DPoP-Nonce"));

        // ... and silo B, which never saw it, serves a proof that carries it, over gRPC.
        var request = new ExchangeRequest { ClientId = "nonce-service", ClientSecret = Secret, SubjectToken = idp.Token(), SubjectTokenType = Clients.JwtType };
        var proof = key.Proof(Issuer + GrpcMethods.Exchange, claims: new Dictionary<string, object?> { ["nonce"] = nonce });
        var served = await new Protos.V1.TokenExchange.TokenExchangeClient(channelB).ExchangeAsync(request, new Metadata { { "dpop", proof } });

        Assert.Equal("DPoP", served.TokenType);
    }
}
