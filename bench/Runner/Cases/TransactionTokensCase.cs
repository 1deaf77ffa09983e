namespace Bench.Runner.Cases;

/// <summary>
/// Transaction tokens (draft-ietf-oauth-transaction-tokens-10) beside a normal exchange, on one embedded server over
/// gRPC unary, in every run: a normal exchange (an access token), an issuance (the same subject tokens exchanged for a
/// transaction token of the trust domain) and a replacement (a transaction token the server issued presented for a
/// new one). Server CPU per request and throughput of each, and the two transaction token operations as ratios to
/// the normal exchange, per run (the table's medians are the medians of those ratios). All three are warmed before
/// the first run, and each run starts with the next operation, so none is always measured first.
/// </summary>
public static class TransactionTokensCase
{
    public const string Name = "transaction tokens vs a normal exchange, gRPC unary";
    public const string Exchange = "normal exchange";
    public const string Issue = "txn token issuance";
    public const string Replace = "txn token replacement";

    private const string TrustDomain = "https://trust-domain.bench.example";

    public static string Figure(string operation, string figure) => $"{operation}: {figure}";

    public static string Ratio(string operation, string figure) => $"{operation} ÷ normal exchange: {figure}";

    private static string Label(string operation) => operation.Replace(' ', '-');

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var scope = context.Workspace.Config.Scope;
        var result = new CaseResult(Name,
            $"{options.Subjects:N0} subjects; saturation at concurrency {options.Concurrency}; every request asks for scope {scope} of subject tokens granting it. " +
            "Replacement: each subject's transaction token, issued before the window, presented again and again; the CPU of issuing them is taken out of the replacement's figure.");
        context.Progress("transaction tokens: starting the server");
        using var server = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-txn", ["--dev-issuer", "false", "--ephemeral", "true", "--trust-domain", TrustDomain], cancellationToken);
        var servers = new[] { server };
        var handler = context.Workspace.Config.HandlerName;
        var endpoint = new Endpoint("grpc", server.Grpc!);
        string[] exchange = ["--scope", scope, "--subject-scope", scope];
        string[] issue = [.. exchange, "--audience", TrustDomain, "--requested-token-type", "txn_token"];
        string[] replace = [.. exchange, "--audience", TrustDomain, "--replace-transaction-tokens"];
        await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Count = options.Subjects, Subjects = options.Subjects, Arguments = exchange }, "txn-first-exchange", handler, cancellationToken);
        var idle = await MeasuredLoad.IdleCpuRateAsync(servers, cancellationToken);

        var operations = new[] { (Exchange, exchange), (Issue, issue), (Replace, replace) };
        // Each operation's paths warmed before any is measured, so the first measured is not the one that pays for the JIT.
        foreach (var (operation, arguments) in operations)
            await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = options.Subjects, Arguments = arguments }, $"txn-{Label(operation)}-first-warmup", handler, cancellationToken);

        await context.RepeatAsync(result, async run =>
        {
            var measured = new Dictionary<string, (Measurement Load, double Cpu)>();
            // Each run starts with another operation, so none is always measured first (or last) on a machine whose load drifts.
            for (var i = 0; i < operations.Length; i++)
            {
                var (operation, arguments) = operations[(i + run - 1) % operations.Length];
                context.Progress($"{Name}, run {run}: {operation}");
                await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = options.Subjects, Arguments = arguments }, $"txn-{Label(operation)}-warmup", handler, cancellationToken);
                var load = await context.Measured.RunAsync(servers, idle, endpoint,
                    new Load { Concurrency = options.Concurrency, Duration = options.Duration, Subjects = options.Subjects, Arguments = arguments }, $"txn-{Label(operation)}", handler, cancellationToken);
                measured[operation] = (load, load.ServerCpuMicrosPerExchange);
                if (load.Load.Failed > 0) result.Notes.Add($"run {run}, {operation}: {load.Load.Failed} of {load.Load.Requests} failed: {load.Load.ErrorText}");
            }
            // The replacement run first had the server issue one transaction token per subject, outside its window:
            // that CPU is the issuance's (as measured in this run), not the replacements'.
            var replaced = measured[Replace];
            if (replaced.Load.Load.Requests > 0) measured[Replace] = (replaced.Load, replaced.Cpu - options.Subjects * measured[Issue].Cpu / replaced.Load.Load.Requests);
            foreach (var (operation, _) in operations)
            {
                var (load, cpu) = measured[operation];
                result.Add(Figure(operation, Figures.Throughput), "requests/s", load.Load.Throughput);
                result.Add(Figure(operation, Figures.ServerCpu), "µs", cpu);
                result.Add(Figure(operation, "latency p99 at saturation"), "ms", load.Load.P99);
            }
            var exchanged = measured[Exchange];
            foreach (var operation in new[] { Issue, Replace })
            {
                result.Add(Ratio(operation, Figures.ServerCpu), "×", measured[operation].Cpu / exchanged.Cpu);
                result.Add(Ratio(operation, Figures.Throughput), "×", measured[operation].Load.Load.Throughput / exchanged.Load.Load.Throughput);
            }
        }, cancellationToken);
        return result;
    }
}
