namespace Bench.Runner.Cases;

/// <summary>
/// Repeated vs fresh subject tokens (issue 15) on the embedded server, over gRPC unary, gRPC streaming and
/// HTTP, back to back on one server in every run. Repeated: the 1,000 subjects' tokens, each presented again
/// and again (a gateway exchanging one user token for several audiences, a retry, the next hop of a mesh).
/// Fresh: every request presents a token never presented before (txctl --fresh-tokens), as many as the
/// repeated run answered in its window, so both windows are about as long. A verified-token cache speeds up
/// the first and cannot speed up the second.
/// </summary>
public static class TokensCase
{
    public const string Repeated = "repeated tokens";
    public const string Fresh = "fresh tokens";

    /// <summary>Fresh tokens are minted before the run, by the load generator: a bound on its memory and minting time.</summary>
    private const long MaxFreshTokens = 400_000;

    public static string NameOf(string transportLabel) => $"subject tokens repeated vs fresh, {transportLabel}";

    public static string Figure(string tokens, string figure) => $"{tokens}: {figure}";

    public static async Task<IReadOnlyList<CaseResult>> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var results = EmbeddedCase.Transports.Select(t => new CaseResult(NameOf(t.Label),
            $"{options.Subjects:N0} subjects, all active; saturation at concurrency {options.Concurrency}; repeated: each subject's one token again and again; " +
            "fresh: a new token (own jti and signature) for every request, as many as the repeated window answered")).ToArray();
        context.Progress("subject tokens: starting the server");
        using var server = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-tokens", ["--dev-issuer", "false", "--ephemeral", "true"], cancellationToken);
        var servers = new[] { server };
        var handler = context.Workspace.Config.HandlerName;
        await context.Generator.RunAsync(new Endpoint("grpc", server.Grpc!), new Load { Concurrency = options.Concurrency, Count = options.Subjects, Subjects = options.Subjects }, "tokens-first-exchange", handler, cancellationToken);
        var idle = await MeasuredLoad.IdleCpuRateAsync(servers, cancellationToken);

        for (var t = 0; t < EmbeddedCase.Transports.Length; t++)
        {
            var (target, _) = EmbeddedCase.Transports[t];
            var result = results[t];
            var endpoint = new Endpoint(target, target == "http" ? server.Http : server.Grpc!);
            await context.RepeatAsync(result, async run =>
            {
                context.Progress($"{result.Name}, run {run}: repeated");
                await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = options.Subjects }, $"tokens-{target}-warmup", handler, cancellationToken);
                var repeated = await context.Measured.RunAsync(servers, idle, endpoint,
                    new Load { Concurrency = options.Concurrency, Duration = options.Duration, Subjects = options.Subjects }, $"tokens-{target}-repeated", handler, cancellationToken);
                Record(result, Repeated, repeated);

                var count = (long)Math.Clamp(repeated.Load.Throughput * options.Duration.TotalSeconds, options.Concurrency * 10, MaxFreshTokens);
                context.Progress($"{result.Name}, run {run}: fresh ({count:N0} tokens)");
                var fresh = await context.Measured.RunAsync(servers, idle, endpoint,
                    new Load { Concurrency = options.Concurrency, Count = count, Subjects = options.Subjects, FreshTokens = true }, $"tokens-{target}-fresh", handler, cancellationToken);
                Record(result, Fresh, fresh);
            }, cancellationToken);
        }
        return results;
    }

    private static void Record(CaseResult result, string tokens, Measurement measurement)
    {
        result.Add(Figure(tokens, Figures.Throughput), "exchanges/s", measurement.Load.Throughput);
        result.Add(Figure(tokens, Figures.ServerCpu), "µs", measurement.ServerCpuMicrosPerExchange);
        result.Add(Figure(tokens, "latency p99 at saturation"), "ms", measurement.Load.P99);
        if (measurement.Load.Failed > 0) result.Notes.Add($"{tokens}: {measurement.Load.Failed} of {measurement.Load.Requests} failed: {measurement.Load.ErrorText}");
    }
}
