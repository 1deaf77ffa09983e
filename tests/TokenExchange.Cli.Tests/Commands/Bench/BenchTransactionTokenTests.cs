using System.Text.Json;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>
/// txctl bench for transaction tokens (the benchmark's issuance and replacement cases): every request asks for a
/// transaction token of the trust domain, or replaces one the server issued before the run; all succeed.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchTransactionTokenTests(BenchServerFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tx-bench-txn-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<JsonElement> Run(string target, params string[] extra)
    {
        var json = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun(target),
            "--concurrency", "4", "--count", "40", "--warmup", "0s", "--subjects", "10",
            "--subject-scope", "api", "--audience", fixture.Server.Issuer, "--json", json, .. extra]);
        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return summary.RootElement.Clone();
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task Every_request_is_issued_a_transaction_token(string target)
    {
        var summary = await Run(target, "--requested-token-type", "txn_token");

        Assert.Equal(40, summary.GetProperty("succeeded").GetInt64());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpc-stream")]
    public async Task Every_request_replaces_a_transaction_token_issued_before_the_run(string target)
    {
        var summary = await Run(target, "--replace-transaction-tokens");

        Assert.Equal(40, summary.GetProperty("succeeded").GetInt64());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task Without_a_scope_in_the_subject_tokens_issuance_is_refused_and_the_run_says_so()
    {
        var json = Path.Combine(folder, "refused.json");
        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun("grpc"),
            "--concurrency", "2", "--count", "4", "--warmup", "0s", "--subjects", "2", "--audience", fixture.Server.Issuer,
            "--replace-transaction-tokens", "--json", json]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--replace-transaction-tokens: the server issued no transaction token to replace (invalid_scope)", error);
    }

    [Fact]
    public async Task Replacing_takes_no_other_requested_token_type()
    {
        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun("grpc"), "--count", "4", "--replace-transaction-tokens", "--requested-token-type", "access_token"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--replace-transaction-tokens replaces transaction tokens", error);
    }
}
