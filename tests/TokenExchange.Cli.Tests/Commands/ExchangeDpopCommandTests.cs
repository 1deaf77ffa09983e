using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TokenExchange.Cli.Tests.Commands;

/// <summary><c>txctl exchange --dpop-key</c>: the access token comes back DPoP-bound to the key in the PEM file, over both transports.</summary>
[Collection(CliCollection.Name)]
public sealed class ExchangeDpopCommandTests(CliFixture fixture) : IDisposable
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private readonly string keyFile = Path.Combine(Path.GetTempPath(), $"dpop-{Guid.NewGuid():N}.pem");

    public void Dispose() => File.Delete(keyFile);

    [Theory]
    [InlineData(false, "ec")]
    [InlineData(true, "ec")]
    [InlineData(false, "rsa")]
    [InlineData(true, "rsa")]
    public async Task A_dpop_key_binds_the_access_token_to_it(bool overHttp, string kind)
    {
        string expected;
        if (kind == "ec")
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(keyFile, ec.ExportPkcs8PrivateKeyPem());
            var q = ec.ExportParameters(false).Q;
            expected = Thumbprint(new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(q.X), ["y"] = Base64UrlEncoder.Encode(q.Y) });
        }
        else
        {
            using var rsa = RSA.Create(2048);
            await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPrivateKeyPem());
            var p = rsa.ExportParameters(false);
            expected = Thumbprint(new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) });
        }
        var subjectToken = await DevToken();
        var server = overHttp ? fixture.Server.HttpAddress : fixture.Server.GrpcAddress;
        string[] args = ["exchange", "--server", server.ToString(), "--client-id", "orders-service", "--client-secret", Secret,
            "--handler", "dev-idp", "--scope", "api", "--subject-token", subjectToken, "--subject-token-type", "jwt", "--dpop-key", keyFile];

        var (exitCode, output, error) = await CliFixture.Run(overHttp ? [.. args, "--http"] : args);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("DPoP", json.RootElement.GetProperty("token_type").GetString());
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(json.RootElement.GetProperty("access_token").GetString()).EncodedPayload)).RootElement;
        Assert.Equal(expected, payload.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task A_dpop_key_file_that_holds_no_key_exits_2()
    {
        await File.WriteAllTextAsync(keyFile, "not a key");

        var (exitCode, _, error) = await CliFixture.Run("exchange", "--server", fixture.Server.GrpcAddress.ToString(), "--client-id", "orders-service",
            "--subject-token", "x", "--dpop-key", keyFile);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: --dpop-key:", error, StringComparison.Ordinal);
    }

    private static string Thumbprint(Dictionary<string, string> jwk) => Base64UrlEncoder.Encode(new JsonWebKey(JsonSerializer.Serialize(jwk)).ComputeJwkThumbprint());

    private async Task<string> DevToken()
    {
        var (exitCode, output, error) = await CliFixture.Run("dev-token", "--server", fixture.Server.HttpAddress.ToString(), "--sub", "dpop-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.True(exitCode == 0, error);
        return output;
    }
}
