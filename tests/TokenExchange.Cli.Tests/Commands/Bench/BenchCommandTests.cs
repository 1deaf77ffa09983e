using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TokenExchange.Cli.Tests.Commands.Bench;

/// <summary>txctl bench in-process against a real server: both load models over each target, the JSON and PNG outputs, both kinds of subject.</summary>
[Collection(BenchCollection.Name)]
public sealed class BenchCommandTests(BenchServerFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tx-bench-out-").FullName;

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpc-stream")]
    [InlineData("http")]
    public async Task Closed_model_reports_every_request_with_the_invalid_share_as_its_oauth_errors(string target)
    {
        var json = Path.Combine(folder, "summary.json");

        // 60 requests, a fifth invalid: 12, in turn expired, bad signature, wrong audience, unknown user.
        var (exitCode, output, error) = await CliFixture.Run([.. fixture.DevIssuerRun(target),
            "--concurrency", "4", "--count", "60", "--warmup", "0s", "--subjects", "20", "--actor-share", "0.25",
            "--invalid", "0.2", "--invalid-kinds", "expired,bad-signature,wrong-audience,unknown-user", "--unknown-user-handler", "dev-idp-no-create",
            "--json", json]);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = summary.RootElement;
        Assert.Equal(target, root.GetProperty("target").GetString());
        Assert.Equal("closed", root.GetProperty("model").GetString());
        Assert.Equal(4, root.GetProperty("concurrency").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rate").ValueKind);
        Assert.Equal(60, root.GetProperty("requests").GetInt64());
        Assert.Equal(48, root.GetProperty("succeeded").GetInt64());
        Assert.Equal(12, root.GetProperty("failed").GetInt64());
        Assert.Equal(0, root.GetProperty("dropped").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["invalid_grant"] = 3, ["invalid_request"] = 9 }, Counts(root.GetProperty("errors")));
        Assert.Empty(Counts(root.GetProperty("transportErrors")));
        Assert.True(root.GetProperty("throughput").GetDouble() > 0);
        Assert.True(root.GetProperty("durationSeconds").GetDouble() > 0);
        AssertLatencies(root.GetProperty("latencyMs"));
        AssertTimelineAddsUp(root);
        Assert.Contains("requests", output);
        Assert.Contains("invalid_grant", output);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpc-stream")]
    [InlineData("http")]
    public async Task Open_model_sends_each_arrival_or_counts_it_dropped_and_draws_the_chart(string target)
    {
        var json = Path.Combine(folder, "summary.json");
        var chart = Path.Combine(folder, "chart.png");

        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun(target),
            "--rate", "200", "--count", "40", "--max-outstanding", "8", "--warmup", "0s", "--subjects", "10", "--invalid", "0.1",
            "--json", json, "--chart", chart]);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = summary.RootElement;
        Assert.Equal("open", root.GetProperty("model").GetString());
        Assert.Equal(200, root.GetProperty("rate").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("concurrency").ValueKind);
        var requests = root.GetProperty("requests").GetInt64();
        Assert.Equal(40, requests + root.GetProperty("dropped").GetInt64());
        Assert.Equal(requests, root.GetProperty("succeeded").GetInt64() + root.GetProperty("failed").GetInt64());
        Assert.True(root.GetProperty("succeeded").GetInt64() > 0);
        Assert.All(Counts(root.GetProperty("errors")).Keys, code => Assert.Equal("invalid_request", code));
        AssertTimelineAddsUp(root);
        var png = await File.ReadAllBytesAsync(chart);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
    }

    [Fact]
    public async Task Key_file_subjects_signed_RS256_with_a_given_issuer_and_kid_are_exchanged()
    {
        var json = Path.Combine(folder, "summary.json");

        var (exitCode, _, error) = await CliFixture.Run("bench", "--target", "grpc", "--server", fixture.Grpc,
            "--client-id", "orders-service", "--client-secret", BenchServerFixture.Secret, "--handler", "bench-idp",
            "--subject-key", fixture.IdpKey, "--subject-issuer", BenchServerFixture.KeyFileIssuer, "--subject-kid", BenchServerFixture.KeyFileKid,
            "--subject-audience", BenchServerFixture.KeyFileAudience, "--token-type", "jwt", "--token-type", "access_token",
            "--subjects", "5", "--concurrency", "2", "--count", "20", "--warmup", "0s", "--quiet", "--json", json);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(20, summary.RootElement.GetProperty("succeeded").GetInt64());
        Assert.Empty(Counts(summary.RootElement.GetProperty("errors")));
    }

    [Fact]
    public async Task A_key_the_server_does_not_trust_makes_every_request_fail_as_invalid_request_yet_the_run_completes()
    {
        var json = Path.Combine(folder, "summary.json");

        // The RSA key file, presented as the dev issuer: its signature cannot verify.
        var args = fixture.DevIssuerRun("http");
        args[Array.IndexOf(args, "--subject-key") + 1] = fixture.IdpKey;
        var (exitCode, _, error) = await CliFixture.Run([.. args,
            "--subjects", "3", "--concurrency", "1", "--count", "5", "--warmup", "0s", "--json", json]);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(new Dictionary<string, long> { ["invalid_request"] = 5 }, Counts(summary.RootElement.GetProperty("errors")));
    }

    [Fact]
    public async Task Warm_up_and_duration_bound_runs_complete()
    {
        var json = Path.Combine(folder, "summary.json");

        var (exitCode, output, error) = await CliFixture.Run([.. fixture.DevIssuerRun("grpc"), "--subjects", "5", "--concurrency", "2",
            "--warmup", "300ms", "--duration", "1s", "--json", json]);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.True(summary.RootElement.GetProperty("succeeded").GetInt64() > 0);
        AssertTimelineAddsUp(summary.RootElement);
        Assert.Contains("concurrency 2", output);
    }

    [Fact]
    public async Task A_warm_up_server_takes_the_probe_and_the_warm_up_and_the_measured_server_only_the_measured_load()
    {
        var json = Path.Combine(folder, "summary.json");
        await using var warmupServer = await CountingTokenEndpoint.StartAsync();

        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun("http"), "--subjects", "5", "--concurrency", "2",
            "--warmup", "300ms", "--warmup-server", warmupServer.Address, "--count", "12", "--json", json]);

        Assert.True(exitCode == 0, error);
        Assert.True(warmupServer.Requests > 1, $"the warm-up server got {warmupServer.Requests} requests");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        // The warm-up server refuses everything: measured requests that went there would be errors.
        Assert.Equal(12, summary.RootElement.GetProperty("succeeded").GetInt64());
        Assert.Empty(Counts(summary.RootElement.GetProperty("errors")));
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpc-stream")]
    [InlineData("http")]
    public async Task Fresh_tokens_in_random_order_are_exchanged_once_each_with_a_timeline_per_interval(string target)
    {
        var json = Path.Combine(folder, "summary.json");

        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun(target), "--subjects", "50", "--concurrency", "3",
            "--count", "30", "--fresh-tokens", "--subject-order", "random", "--interval", "100ms", "--json", json]);

        Assert.True(exitCode == 0, error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = summary.RootElement;
        Assert.Equal(30, root.GetProperty("succeeded").GetInt64());
        Assert.Empty(Counts(root.GetProperty("errors")));
        Assert.Equal(0.1, root.GetProperty("timelineIntervalSeconds").GetDouble());
        AssertTimelineAddsUp(root);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpc-stream")]
    [InlineData("http")]
    public async Task A_server_that_cannot_be_reached_exits_3(string target)
    {
        var closed = $"http://127.0.0.1:{ClosedPort()}";

        var (exitCode, _, error) = await CliFixture.Run("bench", "--target", target, "--server", closed, "--client-id", "orders-service",
            "--subject-key", fixture.DevIssuerKey, "--subject-issuer", "https://any.example", "--subjects", "2", "--count", "2", "--quiet");

        Assert.Equal(3, exitCode);
        Assert.Contains("cannot reach", error);
    }

    [Theory]
    [InlineData("not both", "--concurrency", "4", "--rate", "10")]
    [InlineData("not both", "--duration", "1s", "--count", "10")]
    [InlineData("--invalid: 1.5", "--invalid", "1.5")]
    [InlineData("--unknown-user-handler", "--invalid", "0.1", "--invalid-kinds", "unknown-user")]
    [InlineData("'sideways'", "--invalid-kinds", "sideways")]
    [InlineData("'soon'", "--duration", "soon")]
    [InlineData("--subjects", "--subjects", "0")]
    [InlineData("--fresh-tokens needs --count", "--fresh-tokens", "--duration", "1s")]
    [InlineData("no --warmup", "--fresh-tokens", "--count", "5", "--warmup", "1s")]
    [InlineData("no --invalid", "--fresh-tokens", "--count", "5", "--invalid", "0.1")]
    [InlineData("--interval", "--interval", "1ms")]
    [InlineData("--warmup-server needs a --warmup", "--warmup-server", "http://127.0.0.1:1", "--warmup", "0s")]
    [InlineData("--warmup-server: 'ftp://warm.example'", "--warmup-server", "ftp://warm.example")]
    public async Task Usage_errors_exit_2_and_say_what_is_wrong(string message, params string[] options)
    {
        var (exitCode, _, error) = await CliFixture.Run([.. fixture.DevIssuerRun("grpc"), .. options]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error:", error);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task An_unknown_target_is_a_usage_error()
    {
        var (exitCode, _, error) = await CliFixture.Run("bench", "--target", "carrier-pigeon", "--client-id", "orders-service", "--subject-key", fixture.DevIssuerKey);

        Assert.Equal(2, exitCode);
        Assert.Contains("carrier-pigeon", error);
    }

    [Fact]
    public async Task Without_a_subject_key_the_harness_says_which_file_it_needs()
    {
        var (exitCode, _, error) = await CliFixture.Run("bench", "--client-id", "orders-service", "--quiet");

        Assert.Equal(2, exitCode);
        Assert.Contains("--subject-key", error);
        Assert.Contains("--dev-issuer-key", error);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Dictionary<string, long> Counts(JsonElement counts) =>
        counts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    private static void AssertLatencies(JsonElement latency)
    {
        var (p50, p90, p99, p999, max) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p90").GetDouble(),
            latency.GetProperty("p99").GetDouble(), latency.GetProperty("p999").GetDouble(), latency.GetProperty("max").GetDouble());
        Assert.True(p50 > 0);
        Assert.True(p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, $"{p50} {p90} {p99} {p999} {max}");
        Assert.InRange(latency.GetProperty("mean").GetDouble(), 0.000001, max);
    }

    private static void AssertTimelineAddsUp(JsonElement root)
    {
        var timeline = root.GetProperty("timeline").EnumerateArray().ToList();
        Assert.NotEmpty(timeline);
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(p => p.GetProperty("second").GetInt32()));
        Assert.Equal(root.GetProperty("succeeded").GetInt64(), timeline.Sum(p => p.GetProperty("succeeded").GetInt64()));
        Assert.Equal(root.GetProperty("failed").GetInt64(), timeline.Sum(p => p.GetProperty("failed").GetInt64()));
        Assert.All(timeline, p => Assert.True(p.GetProperty("p99Ms").GetDouble() >= 0));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
