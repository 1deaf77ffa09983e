using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TokenExchange.Cli.Tests.Commands.Bench;

namespace TokenExchange.Cli.Tests.Commands.Tokens;

/// <summary>txctl tokens mint in-process: one valid token of the cluster per synthetic subject, or the failures by code.</summary>
[Collection(BenchCollection.Name)]
public sealed class TokensCommandTests(BenchServerFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tx-mint-out-").FullName;

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task Writes_one_line_per_subject_whose_token_validates_against_the_servers_jwks(string target)
    {
        var file = Path.Combine(folder, "tokens.jsonl");

        var (exitCode, _, error) = await CliFixture.Run("tokens", "mint", "--target", target, "--server", target == "http" ? fixture.Http : fixture.Grpc,
            "--http-server", fixture.Http, "--client-id", "orders-service", "--client-secret", BenchServerFixture.Secret, "--handler", "dev-idp",
            "--scope", "api", "--subject-key", fixture.DevIssuerKey, "--subjects", "25", "--concurrency", "8", "--streams", "3", "--out", file);

        Assert.True(exitCode == 0, error);
        Assert.Contains("minted 25/25, 0 failed", error);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(25, lines.Length);
        var keys = await ServerKeys();
        var subjects = new List<string>();
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            subjects.Add(root.GetProperty("subject").GetString()!);
            Assert.InRange(root.GetProperty("expires_in").GetInt64(), 1, 300);
            Assert.False(root.TryGetProperty("refresh_token", out _));
            var validation = await new JsonWebTokenHandler().ValidateTokenAsync(root.GetProperty("access_token").GetString(), new TokenValidationParameters
            {
                ValidIssuer = fixture.Server.Issuer,
                IssuerSigningKeys = keys,
                ValidateAudience = false,
            });
            Assert.True(validation.IsValid, validation.Exception?.Message);
            Assert.Equal("api", ((JsonWebToken)validation.SecurityToken).GetClaim("scope").Value);
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"bench-user-{i}").Order(), subjects.Order());
    }

    [Fact]
    public async Task Failures_are_reported_by_code_and_exit_1()
    {
        var file = Path.Combine(folder, "tokens.jsonl");

        var (exitCode, _, error) = await CliFixture.Run("tokens", "mint", "--server", fixture.Grpc, "--http-server", fixture.Http,
            "--client-id", "orders-service", "--client-secret", "not-the-secret-0123456789abcdef", "--handler", "dev-idp",
            "--subject-key", fixture.DevIssuerKey, "--subjects", "4", "--out", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("failed: invalid_client: 4", error);
        Assert.Empty(await File.ReadAllLinesAsync(file));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<IList<SecurityKey>> ServerKeys()
    {
        using var http = new HttpClient();
        var jwks = await http.GetStringAsync(new Uri(fixture.Server.HttpAddress, "/oauth2/jwks"));
        return new JsonWebKeySet(jwks).GetSigningKeys();
    }
}
