using System.Text.Json;

namespace Bench.Runner.Cases;

/// <summary>
/// bench/CorePipeline: time and allocated bytes per exchange on the Core hot path and per stage, from
/// BenchmarkDotNet (in process, short job), --runs times like every case; and the bytes a warm exchange
/// allocates counted on every thread (CorePipeline --allocations), because BenchmarkDotNet's diagnoser once
/// read 0 B for the whole exchange (see bench/CorePipeline/ExchangeAllocations.cs).
/// </summary>
public static class CoreCase
{
    public const string Name = "Core pipeline (BenchmarkDotNet)";
    public const string AllThreads = "exchange: allocated, all threads (GC.GetTotalAllocatedBytes)";
    private const int CountedExchanges = 2000;

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var result = new CaseResult(Name, "one exchange without Orleans or the wire, warm subject session; mean time and managed bytes allocated per operation");
        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"{Name}, run {run}");
            var artifacts = context.Workspace.RawPath($"core-pipeline-{run}");
            await RunPipelineAsync(context, [context.Workspace.CorePipelineDll, "--quick", "--exporters", "json", "--artifacts", artifacts], $"core-pipeline-{run}.log", cancellationToken);
            var report = Directory.Exists(artifacts) ? Directory.GetFiles(artifacts, "*-report-full*.json", SearchOption.AllDirectories).FirstOrDefault() : null;
            if (report is null) throw new CaseFailedException($"CorePipeline wrote no report; see logs/core-pipeline-{run}.log");
            using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(report, cancellationToken)))
            {
                foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
                {
                    var method = benchmark.GetProperty("MethodTitle").GetString()!.Trim('\'');
                    result.Add($"{method}: time", "µs", benchmark.GetProperty("Statistics").GetProperty("Mean").GetDouble() / 1000);
                    result.Add($"{method}: allocated (BenchmarkDotNet)", "B", benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetDouble());
                }
            }

            var counted = context.Workspace.RawPath($"core-allocations-{run}.json");
            await RunPipelineAsync(context, [context.Workspace.CorePipelineDll, "--allocations", CountedExchanges.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", counted],
                $"core-allocations-{run}.log", cancellationToken);
            using var allocations = JsonDocument.Parse(await File.ReadAllTextAsync(counted, cancellationToken));
            result.Add(AllThreads, "B", allocations.RootElement.GetProperty("bytesPerExchange").GetDouble());
        }, cancellationToken);
        return result;
    }

    private static async Task RunPipelineAsync(RunContext context, string[] arguments, string logName, CancellationToken cancellationToken)
    {
        var process = ChildProcesses.Start("dotnet", arguments, context.Workspace.LogPath(logName));
        await process.WaitForExitAsync(cancellationToken);
        ChildProcesses.Stop(process);
        if (process.ExitCode != 0) throw new CaseFailedException($"CorePipeline exited with {process.ExitCode}; see logs/{logName}");
    }
}
