using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Cli.Tests.Commands;

/// <summary>
/// <c>txctl exchange --client-assertion-key</c> (a private_key_jwt assertion signed per request) and
/// <c>--client-assertion-file</c> (a ready token, such as a projected service account token, read at each run)
/// authenticate the app over both transports, without a secret.
/// </summary>
public sealed class ExchangeClientAssertionCommandTests : IAsyncLifetime
{
    private const string ServiceAccount = "system:serviceaccount:shop:orders";
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string keyFile = Path.Combine(Path.GetTempPath(), $"assertion-{Guid.NewGuid():N}.pem");
    private readonly string tokenFile = Path.Combine(Path.GetTempPath(), $"sa-token-{Guid.NewGuid():N}");
    private OidcIssuerServer kubernetes = null!;
    private TokenExchangeServer server = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        kubernetes = await OidcIssuerServer.StartAsync();
        var jwks = JsonSerializer.Serialize(new { keys = new[] { JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key)) }.Select(k => new { kty = k.Kty, crv = k.Crv, x = k.X, y = k.Y }) });
        server = await LoopbackServer.StartAsync(TestConfig.Create()
            .App("signed", a => a.PrivateKeyJwt(jwksJson: jwks).Exchange().Scopes("api"))
            .App("workload", a => a.FederatedCredential(kubernetes.Issuer, ServiceAccount, audience: "token-exchange-cluster").Exchange().Scopes("api"))
            .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange")
                .Enable("signed", isDefault: true, allowUserCreation: true)
                .Enable("workload", isDefault: true, allowUserCreation: true))
            .ToYaml());
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await kubernetes.DisposeAsync();
        key.Dispose();
        File.Delete(keyFile);
        File.Delete(tokenFile);
    }

    private async Task<(int ExitCode, string Output, string Error)> Exchange(bool overHttp, string clientId, params string[] credentials)
    {
        var (devExit, subjectToken, devError) = await CliFixture.Run("dev-token", "--server", server.HttpAddress.ToString(), "--sub", "cli-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(devExit == 0, devError);
        string[] args = ["exchange", "--server", (overHttp ? server.HttpAddress : server.GrpcAddress).ToString(), "--client-id", clientId, "--scope", "api",
            "--subject-token", subjectToken, "--subject-token-type", "jwt", .. credentials];
        return await CliFixture.Run(overHttp ? [.. args, "--http"] : args);
    }

    private static string ClientIdOf(string output) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(JsonDocument.Parse(output).RootElement.GetProperty("access_token").GetString()).EncodedPayload)).RootElement.GetProperty("client_id").GetString()!;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_private_key_signs_an_assertion_for_each_request(bool overHttp)
    {
        var first = await Exchange(overHttp, "signed", "--client-assertion-key", keyFile);
        var second = await Exchange(overHttp, "signed", "--client-assertion-key", keyFile);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal("signed", ClientIdOf(first.Output));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_projected_token_file_is_read_at_each_run(bool overHttp)
    {
        await File.WriteAllTextAsync(tokenFile, kubernetes.Idp.Token(ServiceAccount, "token-exchange-cluster", expiresIn: TimeSpan.FromHours(1)) + "\n");
        var first = await Exchange(overHttp, "workload", "--client-assertion-file", tokenFile);
        // The kubelet renews the file; the next run sends the new token (one for another service account is refused).
        await File.WriteAllTextAsync(tokenFile, kubernetes.Idp.Token("system:serviceaccount:shop:other", "token-exchange-cluster", expiresIn: TimeSpan.FromHours(1)));
        var renewed = await Exchange(overHttp, "workload", "--client-assertion-file", tokenFile);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal("workload", ClientIdOf(first.Output));
        Assert.Equal(1, renewed.ExitCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(renewed.Error).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_secret_and_an_assertion_together_exit_2()
    {
        var (exitCode, _, error) = await Exchange(false, "signed", "--client-secret", "secret-0123456789abcdef", "--client-assertion-key", keyFile);

        Assert.Equal(2, exitCode);
        Assert.Equal("error: give one of --client-secret, --client-assertion-key and --client-assertion-file", error);
    }

    [Fact]
    public async Task A_key_file_that_holds_no_key_exits_2()
    {
        await File.WriteAllTextAsync(tokenFile, "not a key");

        var (exitCode, _, error) = await Exchange(false, "signed", "--client-assertion-key", tokenFile);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: --client-assertion-key:", error, StringComparison.Ordinal);
    }
}
