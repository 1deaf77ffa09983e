namespace Bench.Runner.Cases;

/// <summary>
/// This cluster, embedded (one silo, in-memory state: --ephemeral, as the figures in README were measured), over gRPC unary, gRPC streaming and HTTP:
/// saturation throughput (closed model) with the server's CPU per exchange, then latency at half of that
/// throughput (open model).
/// </summary>
public static class EmbeddedCase
{
    public static readonly (string Target, string Label)[] Transports = [("grpc", "gRPC unary"), ("grpc-stream", "gRPC streaming"), ("http", "HTTP")];

    public static string NameOf(string transportLabel) => $"cluster embedded, {transportLabel}";

    public static async Task<IReadOnlyList<CaseResult>> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var results = Transports.Select(t => new CaseResult(NameOf(t.Label),
            $"{options.Subjects:N0} subjects; saturation at concurrency {options.Concurrency}, latency at 50% of it (open model)")).ToArray();
        context.Progress("cluster embedded: starting the server");
        using var server = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-embedded", ["--dev-issuer", "false", "--ephemeral", "true"], cancellationToken);
        var servers = new[] { server };
        var handler = context.Workspace.Config.HandlerName;
        // Each subject presents its same token in every load of the case, as an active subject does (the first exchange
        // verifies it; later loads find it verified), so the warm figures and the first-exchange one subtract like from like.
        string[] sameTokens = ["--subject-tokens-file", Path.Combine(context.Workspace.Directory, "embedded-subject-tokens.txt")];
        // Every subject's session exists before anything is measured.
        await context.Generator.RunAsync(new Endpoint("grpc", server.Grpc!), new Load { Concurrency = options.Concurrency, Count = options.Subjects, Subjects = options.Subjects, Arguments = sameTokens }, "embedded-first-exchange", handler, cancellationToken);
        var idleAllocations = await ServerAllocations.ReadAsync(server, cancellationToken);
        var idle = await MeasuredLoad.IdleCpuRateAsync(servers, cancellationToken);
        var idleAllocationRate = ServerAllocations.IdleRate(idleAllocations, await ServerAllocations.ReadAsync(server, cancellationToken));

        for (var t = 0; t < Transports.Length; t++)
        {
            var (target, label) = Transports[t];
            var result = results[t];
            var endpoint = new Endpoint(target, target == "http" ? server.Http : server.Grpc!);
            await context.RepeatAsync(result, async run =>
            {
                context.Progress($"{result.Name}, run {run}: saturation");
                await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = options.Subjects, Arguments = sameTokens }, $"embedded-{target}-warmup", handler, cancellationToken);
                var allocatedBefore = await ServerAllocations.ReadAsync(server, cancellationToken);
                var saturation = await context.Measured.RunAsync(servers, idle, endpoint,
                    new Load { Concurrency = options.Concurrency, Duration = options.Duration, Subjects = options.Subjects, Arguments = sameTokens }, $"embedded-{target}-saturation", handler, cancellationToken);
                Record(result, saturation);
                result.Add(ServerAllocations.PerWarmExchange, "B", await ServerAllocations.PerExchangeAsync(server, allocatedBefore, saturation.Load, idleAllocationRate, cancellationToken));

                context.Progress($"{result.Name}, run {run}: latency at 50% ({saturation.Load.Throughput / 2:N0}/s)");
                var inServerBefore = await ServerLatency.ReadAsync(server, Route(target), cancellationToken);
                var open = await context.Generator.RunAsync(endpoint,
                    new Load { Rate = saturation.Load.Throughput / 2, Duration = options.Duration, Warmup = options.LatencyWarmup, Subjects = options.Subjects, Arguments = sameTokens }, $"embedded-{target}-half", handler, cancellationToken);
                var inServer = await ServerLatency.ReadAsync(server, Route(target), cancellationToken);
                result.Add("latency p50 at 50%", "ms", open.P50);
                result.Add("latency p99 at 50%", "ms", open.P99);
                result.Add("latency p99.9 at 50%", "ms", open.P999);
                AddInServer(result, run, "pipeline", ServerLatency.Quantile(inServerBefore.Pipeline, inServer.Pipeline, 0.99));
                // A stream's hosting time is the whole stream's, not an exchange's.
                if (target != "grpc-stream") AddInServer(result, run, "hosting", ServerLatency.Quantile(inServerBefore.Hosting, inServer.Hosting, 0.99));
                if (open.Failed > 0 || open.Dropped > 0) result.Notes.Add($"run {run} at 50%: {open.Failed} failed, {open.Dropped} dropped {open.ErrorText}");
            }, cancellationToken);
        }
        await ServerAllocations.FirstExchangesAsync(context, server, results[0], idleAllocationRate, options.Subjects, sameTokens, cancellationToken);
        return results;
    }

    /// <summary>The exchange's route as ASP.NET Core's hosting labels its requests.</summary>
    private static string Route(string target) => target == "http" ? "/oauth2/token" : "/tokenexchange.v1.TokenExchange/Exchange";

    /// <summary>A p99 inside the server at 50% (<see cref="ServerLatency"/>: a histogram bucket's upper bound, so "at most").</summary>
    private static void AddInServer(CaseResult result, int run, string part, double? p99)
    {
        if (p99 is { } value && !double.IsPositiveInfinity(value)) result.Add($"p99 at 50% inside the server, {part} (bucket bound)", "ms", value);
        else result.Notes.Add($"run {run} at 50%: no {part} p99 inside the server ({(p99 is null ? "nothing recorded" : "above the last bucket")})");
    }

    /// <summary>The figures of a saturation run, the same for every case that has one.</summary>
    public static void Record(CaseResult result, Measurement saturation)
    {
        result.Add(Figures.Throughput, "exchanges/s", saturation.Load.Throughput);
        result.Add(Figures.ServerCpu, "µs", saturation.ServerCpuMicrosPerExchange);
        result.Add("latency p99 at saturation", "ms", saturation.Load.P99);
        if (saturation.Load.Failed > 0) result.Notes.Add($"{saturation.Load.Failed} of {saturation.Load.Requests} failed: {saturation.Load.ErrorText}");
    }
}

/// <summary>Figure names the ratios refer to.</summary>
public static class Figures
{
    public const string Throughput = "throughput at saturation";
    public const string ServerCpu = "server CPU per exchange";
    public const string P99AtHalf = "latency p99 at 50%";
}
