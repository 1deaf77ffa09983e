using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TokenExchange.Cli.Commands.Bench.Targets;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>
/// <c>txctl bench</c>: the load harness. Mints the synthetic subjects' tokens, sends exchanges to one
/// front door under a closed or open load model, and reports throughput, latency percentiles
/// (HdrHistogram) and errors by OAuth code; optionally as JSON with a per-second timeline and as a chart.
/// Exit 0 when the run completed (expected failures included), 2 for usage errors, 3 when the server
/// cannot be reached.
/// </summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var harness = new HarnessOptions([HarnessOptions.Grpc, HarnessOptions.GrpcStream, HarnessOptions.Http]);
        var concurrency = new Option<int?>("--concurrency") { Description = "closed model: this many requests outstanding at all times (default 32)" };
        var rate = new Option<double?>("--rate") { Description = "open model: requests per second, timed from when each was due" };
        var maxOutstanding = new Option<int>("--max-outstanding") { Description = "open model: arrivals beyond this many outstanding are dropped (and counted)", DefaultValueFactory = _ => 4096 };
        var duration = new Option<string?>("--duration") { Description = "how long to measure (10s, 2m, ...; default 10s)" };
        var count = new Option<long?>("--count") { Description = "measure this many requests instead of a duration" };
        var warmup = new Option<string>("--warmup") { Description = "load before measuring, not recorded", DefaultValueFactory = _ => "3s" };
        var warmupServer = new Option<string?>("--warmup-server") { Description = "send the --warmup load to this other server (same target kind and paths), so a server measured from its first request meets a warm harness" };
        var invalid = new Option<double>("--invalid") { Description = "share of requests with an invalid subject token", DefaultValueFactory = _ => 0 };
        var invalidKinds = new Option<string>("--invalid-kinds") { Description = "kinds of invalid request, taken in turn: expired,bad-signature,wrong-audience,unknown-user", DefaultValueFactory = _ => "expired,bad-signature,wrong-audience" };
        var unknownUserHandler = new Option<string?>("--unknown-user-handler") { Description = "handler the unknown-user requests go to (one where the app may not create users)" };
        var actorShare = new Option<double>("--actor-share") { Description = "share of (valid) requests that carry an actor token", DefaultValueFactory = _ => 0 };
        var streams = new Option<int?>("--streams") { Description = "grpc-stream: streams, each on its own connection (default: one per core, more when over 128 outstanding each)" };
        var quiet = new Option<bool>("--quiet") { Description = "no live progress" };
        var json = new Option<string?>("--json") { Description = "write the summary and a per-second timeline to this JSON file" };
        var chart = new Option<string?>("--chart") { Description = "draw throughput and p99 latency per timeline interval to this PNG file" };
        var interval = new Option<string>("--interval") { Description = "length of each timeline point (--json, --chart), e.g. 250ms for a server's first seconds", DefaultValueFactory = _ => "1s" };
        var order = new Option<string>("--subject-order") { Description = "sequential: subjects in turn from bench-user-0; random: each request's subject drawn uniformly from all --subjects", DefaultValueFactory = _ => "sequential" };
        order.AcceptOnlyFromAmong("sequential", "random");
        var fresh = new Option<bool>("--fresh-tokens") { Description = "every request presents a subject token of its own, never sent before (minted before the run; needs --count, no --warmup)" };
        var requestedTokenType = new Option<string?>("--requested-token-type") { Description = "requested_token_type of every request (short name or URN), e.g. txn_token for transaction tokens (with --audience the trust domain)" };
        var subjectScope = new Option<string?>("--subject-scope") { Description = "the subject tokens' scope claim (space-separated): a transaction token's scope must be within it" };
        var tokensFile = new Option<string?>("--subject-tokens-file") { Description = "the subjects' tokens are read from this file (a line per subject, bench-user-0 first), or minted and written to it: runs against one server then present the same token per subject, as active subjects do" };
        var replaceTransactionTokens = new Option<bool>("--replace-transaction-tokens") { Description = "before the run, get one transaction token per subject; the run replaces them (implies --requested-token-type txn_token)" };
        var command = new Command("bench", "load test: exchanges for synthetic subjects over gRPC, a gRPC stream or HTTP; throughput, latency, errors")
        {
            concurrency, rate, maxOutstanding, duration, count, warmup, warmupServer, invalid, invalidKinds, unknownUserHandler, actorShare, streams, quiet, json, chart,
            interval, order, fresh, requestedTokenType, subjectScope, replaceTransactionTokens, tokensFile,
        };
        harness.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            Run run;
            try
            {
                var replace = parse.GetValue(replaceTransactionTokens);
                var requested = parse.GetValue(requestedTokenType) is { } type ? Urn(type) : replace ? TransactionTokenRequests.TokenType : null;
                if (replace && requested != TransactionTokenRequests.TokenType) throw new UsageException("--replace-transaction-tokens replaces transaction tokens: --requested-token-type txn_token or none");
                var harnessSettings = harness.Read(parse);
                var settings = harnessSettings with { Template = harnessSettings.Template with { RequestedTokenType = requested } };
                if (parse.GetValue(concurrency) is not null && parse.GetValue(rate) is not null) throw new UsageException("give --concurrency (closed model) or --rate (open model), not both");
                if (parse.GetValue(duration) is not null && parse.GetValue(count) is not null) throw new UsageException("give --duration or --count, not both");
                var kinds = Kinds(parse.GetValue(invalidKinds)!);
                if (kinds.Contains(SubjectTokenKind.UnknownUser) && parse.GetValue(unknownUserHandler) is null && parse.GetValue(invalid) > 0)
                    throw new UsageException("--invalid-kinds unknown-user needs --unknown-user-handler NAME (a handler where the app may not create users)");
                run = new Run(
                    settings,
                    parse.GetValue(rate) is not null ? null : parse.GetValue(concurrency) ?? 32,
                    parse.GetValue(rate),
                    parse.GetValue(maxOutstanding),
                    parse.GetValue(count) is not null ? null : HarnessOptions.Duration(parse.GetValue(duration) ?? "10s", "--duration"),
                    parse.GetValue(count),
                    parse.GetValue(fresh) && parse.GetResult(warmup) is null or { Implicit: true } ? TimeSpan.Zero : HarnessOptions.Duration(parse.GetValue(warmup)!, "--warmup"),
                    new MixSettings(settings.Subjects, Share(parse.GetValue(invalid), "--invalid"), kinds, parse.GetValue(unknownUserHandler), Share(parse.GetValue(actorShare), "--actor-share"), settings.TokenTypes),
                    parse.GetValue(streams),
                    BenchReport.ShowLive(error, parse.GetValue(quiet)),
                    parse.GetValue(quiet),
                    parse.GetValue(json),
                    parse.GetValue(chart),
                    HarnessOptions.Duration(parse.GetValue(interval)!, "--interval"),
                    parse.GetValue(order) == "random" ? SubjectOrder.Random : SubjectOrder.Sequential,
                    parse.GetValue(fresh),
                    parse.GetValue(subjectScope),
                    replace,
                    parse.GetValue(tokensFile),
                    parse.GetValue(warmupServer) is { } other ? HarnessOptions.HttpUrl(other, "--warmup-server") : null);
                run.Check();
                return await RunAsync(run, output, error, cancellationToken);
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
        return command;
    }

    private sealed record Run(
        HarnessSettings Settings, int? Concurrency, double? Rate, int MaxOutstanding, TimeSpan? Duration, long? Count, TimeSpan Warmup,
        MixSettings Mix, int? Streams, bool Live, bool Quiet, string? JsonPath, string? ChartPath, TimeSpan Interval, SubjectOrder Order, bool FreshTokens,
        string? SubjectScope, bool ReplaceTransactionTokens, string? TokensFile = null, Uri? WarmupServer = null)
    {
        public void Check()
        {
            if (Concurrency is < 1 or > 100_000) throw new UsageException("--concurrency must be from 1 to 100000");
            if (Rate is { } rate && (rate <= 0 || double.IsInfinity(rate))) throw new UsageException("--rate must be a positive number of requests per second");
            if (MaxOutstanding < 1) throw new UsageException("--max-outstanding must be at least 1");
            if (Count is < 1) throw new UsageException("--count must be at least 1");
            if (Duration is { } duration && duration <= TimeSpan.Zero) throw new UsageException("--duration must be positive");
            if (Streams is < 1 or > 1024) throw new UsageException("--streams must be from 1 to 1024");
            if (Interval < TimeSpan.FromMilliseconds(50)) throw new UsageException("--interval must be at least 50ms");
            if (ReplaceTransactionTokens && (FreshTokens || Mix.InvalidShare > 0 || Mix.ActorShare > 0))
                throw new UsageException("--replace-transaction-tokens: no --fresh-tokens, --invalid or --actor-share (each subject's one transaction token is replaced)");
            if (TokensFile is not null && FreshTokens) throw new UsageException("--subject-tokens-file: no --fresh-tokens (the file keeps one token per subject for every run)");
            if (WarmupServer is not null && Warmup == TimeSpan.Zero) throw new UsageException("--warmup-server needs a --warmup longer than 0s");
            if (WarmupServer is not null && ReplaceTransactionTokens) throw new UsageException("--warmup-server: no --replace-transaction-tokens (the tokens to replace are the measured server's)");
            if (!FreshTokens) return;
            // Each fresh token is minted before the run: the run must say how many it sends, and a warm-up would use some up.
            if (Count is not { } count) throw new UsageException("--fresh-tokens needs --count (one token is minted per request before the run)");
            if (count > 10_000_000) throw new UsageException("--fresh-tokens: at most 10000000 requests (each token is minted before the run)");
            if (Warmup > TimeSpan.Zero) throw new UsageException("--fresh-tokens: no --warmup (warm the server with a run of its own)");
            if (Mix.InvalidShare > 0 || Mix.ActorShare > 0) throw new UsageException("--fresh-tokens: no --invalid or --actor-share (every fresh token is a valid subject token)");
        }

        /// <summary>The most requests outstanding at once.</summary>
        public int Outstanding => Concurrency ?? MaxOutstanding;
    }

    private static async Task<int> RunAsync(Run run, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var (key, issuer) = await HarnessOptions.SubjectSigningAsync(settings, cancellationToken);
        var minting = Stopwatch.StartNew();
        // Long enough for the run: warm-up, measurement, and a generous margin for a slow count-bound run.
        var lifetime = run.Warmup + (run.Duration ?? TimeSpan.FromHours(12)) + TimeSpan.FromMinutes(30);
        var subjectTokens = new SubjectTokens(key, issuer, settings.SubjectAudience, TimeProvider.System) { Scope = run.SubjectScope };
        if (run.TokensFile is { } file) subjectTokens.Saved = await SubjectTokenFile.LoadOrMintAsync(file, settings.Subjects, subjectTokens, TimeProvider.System, cancellationToken);
        var requests = run.FreshTokens
            ? RequestMix.Fresh(settings.Template, run.Mix, run.Order, run.Count!.Value + 1, subjectTokens, lifetime)
            : RequestMix.Build(settings.Template, run.Mix, subjectTokens, lifetime);
        if (!run.Quiet) await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{requests.Length} requests for {settings.Subjects} subjects prepared in {minting.Elapsed.TotalSeconds:0.0} s (iss {issuer})"));

        await using var target = CreateTarget(settings, run.Outstanding, run.Streams);
        // With a warm-up server the measured one gets its first request when the measurement starts.
        await using var warmupTarget = run.WarmupServer is { } other ? CreateTarget(settings.On(other), run.Outstanding, run.Streams) : null;
        // One exchange first: a server that cannot be reached is exit 3, not a run full of transport failures.
        if (await (warmupTarget ?? target).ExchangeAsync(requests[0], false, cancellationToken) is { TransportFailure: true } probe)
        {
            await error.WriteLineAsync($"error: cannot reach {(run.WarmupServer ?? settings.Server)} ({probe.Code})");
            return ExitCodes.Unreachable;
        }

        if (run.ReplaceTransactionTokens)
        {
            requests = await TransactionTokenRequests.ReplacementsAsync(target, requests, settings.Template, run.Mix.Subjects, cancellationToken);
            if (!run.Quiet) await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{run.Mix.Subjects} transaction tokens issued to replace"));
        }

        var recorder = new BenchRecorder();
        // Fresh tokens: the first (requests[0]) went to the probe; each of the others goes out once, in order.
        var generator = run.FreshTokens
            ? new LoadGenerator(target, requests[1..], recorder)
            : new LoadGenerator(target, requests, recorder, run.Order);
        // The warm-up's own generator and recorder when it goes elsewhere: nothing of it is recorded either way.
        var warming = warmupTarget is null ? generator : new LoadGenerator(warmupTarget, requests, new BenchRecorder(), run.Order);
        var measuring = false;
        var running = Task.Run(async () =>
        {
            if (run.Warmup > TimeSpan.Zero) await Phase(warming, run, PhaseEnd.After(run.Warmup), cancellationToken);
            recorder.Start();
            measuring = true;
            using var ticks = new CancellationTokenSource();
            var ticking = TickAsync(recorder, run.Interval, ticks.Token);
            await Phase(generator, run, run.Count is { } count ? PhaseEnd.AfterRequests(count) : PhaseEnd.After(run.Duration!.Value), cancellationToken);
            await ticks.CancelAsync();
            await ticking;
            recorder.Stop();
        }, cancellationToken);
        if (run.Live) await BenchReport.WatchAsync(error, $"{settings.Target} → {settings.Server}", recorder, () => measuring, running);
        await running;

        var summary = BenchSummary.From(recorder, settings.Target, run.Concurrency, run.Rate, run.Interval);
        BenchReport.WriteSummary(output, summary);
        if (run.JsonPath is { } jsonPath) await summary.WriteAsync(jsonPath, cancellationToken);
        if (run.ChartPath is { } chartPath) BenchChart.Write(chartPath, summary);
        return ExitCodes.Success;
    }

    private static Task Phase(LoadGenerator generator, Run run, PhaseEnd end, CancellationToken cancellationToken) =>
        run.Rate is { } rate
            ? generator.RunOpenAsync(rate, run.MaxOutstanding, end, cancellationToken)
            : generator.RunClosedAsync(run.Concurrency!.Value, end, cancellationToken);

    private static async Task TickAsync(BenchRecorder recorder, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) recorder.Tick();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static IExchangeTarget CreateTarget(HarnessSettings settings, int outstanding, int? streams) => settings.Target switch
    {
        HarnessOptions.Http => new HttpTarget(settings.TokenEndpoint, outstanding),
        HarnessOptions.GrpcStream => new GrpcStreamTarget(settings.Server, streams ?? Math.Max(Environment.ProcessorCount, (outstanding + 127) / 128)),
        _ => new GrpcTarget(settings.Server),
    };

    private static SubjectTokenKind[] Kinds(string list)
    {
        var kinds = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name => name switch
        {
            "expired" => SubjectTokenKind.Expired,
            "bad-signature" => SubjectTokenKind.BadSignature,
            "wrong-audience" => SubjectTokenKind.WrongAudience,
            "unknown-user" => SubjectTokenKind.UnknownUser,
            _ => throw new UsageException($"--invalid-kinds: '{name}' is not one of expired, bad-signature, wrong-audience, unknown-user"),
        }).Distinct().ToArray();
        return kinds.Length > 0 ? kinds : throw new UsageException("--invalid-kinds names no kind");
    }

    private static string Urn(string type) => type.Contains(':', StringComparison.Ordinal) ? type : "urn:ietf:params:oauth:token-type:" + type;

    private static double Share(double value, string option) =>
        value is >= 0 and <= 1 ? value : throw new UsageException($"{option}: {value.ToString(CultureInfo.InvariantCulture)} is not a share from 0 to 1");
}
