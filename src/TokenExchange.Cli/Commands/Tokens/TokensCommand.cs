using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TokenExchange.Cli.Commands.Bench;
using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Commands.Tokens;

/// <summary>
/// <c>txctl tokens mint</c>: the cluster's tokens for many synthetic users, as fast as it allows (over
/// gRPC, several ExchangeStream streams in parallel), one JSON line per subject. Exit 1 if any failed.
/// </summary>
public static class TokensCommand
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var harness = new HarnessOptions([HarnessOptions.Grpc, HarnessOptions.Http]);
        var outFile = new Option<string>("--out") { Description = "JSON lines file: subject, access_token, expires_in, refresh_token", Required = true };
        var concurrency = new Option<int>("--concurrency") { Description = "exchanges outstanding at once", DefaultValueFactory = _ => 512 };
        var streams = new Option<int?>("--streams") { Description = "gRPC streams in parallel (default: two per core)" };
        var mint = new Command("mint", "exchange subject tokens of N synthetic users (bench-user-<i>) and write the cluster's tokens as JSON lines") { outFile, concurrency, streams };
        harness.AddTo(mint);
        mint.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = harness.Read(parse);
                var outstanding = parse.GetValue(concurrency);
                if (outstanding < 1) throw new UsageException("--concurrency must be at least 1");
                if (parse.GetValue(streams) is < 1 or > 1024) throw new UsageException("--streams must be from 1 to 1024");
                return await MintAsync(settings, parse.GetValue(outFile)!, outstanding, parse.GetValue(streams) ?? 2 * Environment.ProcessorCount, error, cancellationToken);
            }
            catch (UsageException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"error: cannot reach the server: {e.Message}");
                return ExitCodes.Unreachable;
            }
        });
        return new Command("tokens", "the cluster's tokens in bulk") { mint };
    }

    private static async Task<int> MintAsync(HarnessSettings settings, string path, int outstanding, int streams, TextWriter error, CancellationToken cancellationToken)
    {
        var (key, issuer) = await HarnessOptions.SubjectSigningAsync(settings, cancellationToken);
        var mix = new MixSettings(settings.Subjects, 0, [SubjectTokenKind.Valid], null, 0, settings.TokenTypes);
        var requests = RequestMix.Build(settings.Template, mix, new SubjectTokens(key, issuer, settings.SubjectAudience, TimeProvider.System), TimeSpan.FromHours(1), minimumLength: 0);
        await using var target = settings.Target == HarnessOptions.Http
            ? BenchCommand.CreateTarget(settings, outstanding, null)
            : new GrpcStreamTarget(settings.Server, streams);

        var failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long done = 0;
        long next = -1;
        var unreachable = false;
        var clock = Stopwatch.StartNew();
        await using (var file = new StreamWriter(path))
        {
            async Task WorkAsync()
            {
                long i;
                while ((i = Interlocked.Increment(ref next)) < requests.Length && !Volatile.Read(ref unreachable))
                {
                    var request = requests[i];
                    var result = await target.ExchangeAsync(request, true, cancellationToken);
                    if (result.Succeeded)
                    {
                        var line = JsonSerializer.Serialize(new MintedLine(request.Subject, result.Token!.AccessToken, result.Token.ExpiresIn, result.Token.RefreshToken), Json);
                        lock (file) file.WriteLine(line);
                    }
                    else
                    {
                        failures.AddOrUpdate(result.TransportFailure ? "transport " + result.Code : result.Code!, 1, static (_, n) => n + 1);
                        // Before anything succeeded, a transport failure means the server is not there.
                        if (result.TransportFailure && Interlocked.Read(ref done) == 0) Volatile.Write(ref unreachable, true);
                    }
                    Interlocked.Increment(ref done);
                }
            }

            var workers = Enumerable.Range(0, Math.Min(outstanding, requests.Length)).Select(_ => Task.Run(WorkAsync, cancellationToken)).ToArray();
            var all = Task.WhenAll(workers);
            while (await Task.WhenAny(all, Task.Delay(1000, cancellationToken)) != all)
                await error.WriteLineAsync(Progress(Interlocked.Read(ref done), requests.Length, failures, clock.Elapsed));
            await all;
        }
        if (unreachable)
        {
            await error.WriteLineAsync($"error: cannot reach {settings.Server} ({string.Join(", ", failures.Keys)})");
            return ExitCodes.Unreachable;
        }
        await error.WriteLineAsync(Progress(done, requests.Length, failures, clock.Elapsed));
        foreach (var (code, count) in failures.OrderBy(f => f.Key, StringComparer.Ordinal)) await error.WriteLineAsync($"failed: {code}: {count}");
        return failures.IsEmpty ? ExitCodes.Success : ExitCodes.Refused;
    }

    private static string Progress(long done, int total, ConcurrentDictionary<string, long> failures, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"minted {done - failures.Values.Sum()}/{total}, {failures.Values.Sum()} failed, {done / Math.Max(elapsed.TotalSeconds, 0.001):0}/s");

    private sealed record MintedLine(
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken);
}
