using System.Text.Json;

namespace Bench.Runner.Cases;

/// <summary>
/// bench/CorePipeline (BenchmarkDotNet, in process, short job) once: time and allocated bytes per exchange
/// on the Core hot path and per stage. BenchmarkDotNet repeats internally, so this case runs once.
/// </summary>
public static class CoreCase
{
    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var result = new CaseResult("Core pipeline (BenchmarkDotNet)", "one exchange without Orleans or the wire, warm subject session; mean time and managed bytes allocated per operation");
        context.Progress("Core pipeline (BenchmarkDotNet, short job)");
        var artifacts = context.Workspace.RawPath("core-pipeline");
        var log = context.Workspace.LogPath("core-pipeline.log");
        var process = ChildProcesses.Start("dotnet",
            [context.Workspace.CorePipelineDll, "--quick", "--exporters", "json", "--artifacts", artifacts], log);
        await process.WaitForExitAsync(cancellationToken);
        ChildProcesses.Stop(process);
        var report = Directory.Exists(artifacts) ? Directory.GetFiles(artifacts, "*-report-full*.json", SearchOption.AllDirectories).FirstOrDefault() : null;
        if (process.ExitCode != 0 || report is null)
        {
            result.Failures.Add($"CorePipeline exited with {process.ExitCode}; see logs/{Path.GetFileName(log)}");
            return result;
        }
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(report, cancellationToken));
        foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            var method = benchmark.GetProperty("MethodTitle").GetString()!.Trim('\'');
            result.Add($"{method}: time", "µs", benchmark.GetProperty("Statistics").GetProperty("Mean").GetDouble() / 1000);
            result.Add($"{method}: allocated", "B", benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetDouble());
        }
        return result;
    }
}
