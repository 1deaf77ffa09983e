using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands;

/// <summary>
/// <c>txctl exchange --dpop-key</c> against an app whose proofs must carry the server's nonce (RFC 9449 section 8): the
/// first request is refused with use_dpop_nonce and the nonce (HTTP DPoP-Nonce header, gRPC dpop-nonce trailer), and
/// txctl sends it once more with a proof that carries it, as a client does.
/// </summary>
public sealed class ExchangeDpopNonceCommandTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "nonce-secret-0123456789abcdef";
    private readonly string keyFile = Path.Combine(Path.GetTempPath(), $"dpop-{Guid.NewGuid():N}.pem");
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(keyFile, ec.ExportPkcs8PrivateKeyPem());
        server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("nonce-service", a => a.Secret(Secret).Exchange().Scopes("api").RequireDpop().RequireDpopNonce())
            .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Enable("nonce-service", isDefault: true, allowUserCreation: true))
            .ToYaml());
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => File.Delete(keyFile);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Use_dpop_nonce_is_answered_by_one_retry_with_the_nonce(bool overHttp)
    {
        var address = overHttp ? server.HttpAddress : server.GrpcAddress;
        string[] args = ["exchange", "--server", address.ToString(), "--client-id", "nonce-service", "--client-secret", Secret,
            "--scope", "api", "--subject-token", await DevToken(), "--subject-token-type", "jwt", "--dpop-key", keyFile];

        var (exitCode, output, error) = await CliFixture.Run(overHttp ? [.. args, "--http"] : args);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("DPoP", json.RootElement.GetProperty("token_type").GetString());
    }

    private async Task<string> DevToken()
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var minted = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "nonce-" + Guid.NewGuid().ToString("N")[..8])]));
        return (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
