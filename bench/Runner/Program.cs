using System.Diagnostics;
using Bench.Runner;
using Bench.Runner.Cases;

// The benchmark of issue 6 in one run: see README (Benchmark) and bench/run.sh, which builds everything
// Release and calls this. Each case is measured --runs times; a case that fails is reported in the table
// and the others still run. Every process started here is stopped when the runner ends.
RunnerOptions options;
try
{
    options = RunnerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var workspace = Workspace.Create(options);
var generator = new LoadGenerator(workspace, options.Txctl ?? TryPath(() => workspace.TxctlDll) ?? "txctl.dll");
var context = new RunContext(options, workspace, generator, new MeasuredLoad(generator));
context.Progress($"benchmark: {string.Join(", ", options.Cases)}; {options.Runs} run(s) each; files in {workspace.Directory}");
var clock = Stopwatch.StartNew();

var results = new List<CaseResult>();
async Task Run(string caseName, string label, Func<Task<IEnumerable<CaseResult>>> run)
{
    if (!options.Cases.Contains(caseName)) return;
    try
    {
        results.AddRange(await run());
    }
    catch (Exception e) when (e is CaseFailedException or IOException or InvalidOperationException or TimeoutException or HttpRequestException)
    {
        // One case's failure is a line in the table, not the end of the run.
        var failed = new CaseResult(label, "");
        failed.Failures.Add(e.Message);
        results.Add(failed);
        context.Progress($"{label} failed: {e.Message}");
    }
}

try
{
    await Run("floor", FloorCase.Name, async () => [await FloorCase.RunAsync(context, cancellation.Token)]);
    await Run("core", CoreCase.Name, async () => [await CoreCase.RunAsync(context, cancellation.Token)]);
    await Run("embedded", "cluster embedded", async () => await EmbeddedCase.RunAsync(context, cancellation.Token));
    await Run("tokens", "subject tokens repeated vs fresh", async () => await TokensCase.RunAsync(context, cancellation.Token));
    await Run("txn", TransactionTokensCase.Name, async () => [await TransactionTokensCase.RunAsync(context, cancellation.Token)]);
    await Run("coldstart", ColdStartCase.Name, async () => [await ColdStartCase.RunAsync(context, cancellation.Token)]);
    await Run("postgres", PostgresCase.Name, async () => [await PostgresCase.RunAsync(context, cancellation.Token)]);
    await Run("peers", "peers", async () => await PeersCase.RunAsync(context, cancellation.Token));
    await Run("scale", ScaleCase.Name(options), async () => [await ScaleCase.RunAsync(context, cancellation.Token)]);
}
catch (OperationCanceledException)
{
    context.Progress("interrupted: writing what was measured");
}
finally
{
    ChildProcesses.StopAll();
}

var machine = new Machine(Environment.ProcessorCount, ProcFs.CpuModel(), GitCommit(options.Root), DateTime.UtcNow,
    Environment.GetEnvironmentVariable("BENCH_COMMAND") ?? "Runner " + string.Join(' ', args));
var targets = Report.Targets(results, options);
Directory.CreateDirectory(options.OutDir);
var markdown = Path.Combine(options.OutDir, "latest.md");
await File.WriteAllTextAsync(markdown, Report.Markdown(results, targets, machine, options));
await File.WriteAllTextAsync(Path.Combine(options.OutDir, "latest.json"), Report.Json(results, targets, machine));
context.Progress($"done in {clock.Elapsed.TotalMinutes:F1} min: {markdown}");
foreach (var t in targets) Console.WriteLine($"  {t.Name}: {(t.Measured is { } m ? m.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "not measured")} (target {t.Bound})");
return results.Any(r => r.Failures.Count > 0) ? 1 : 0;

static string? TryPath(Func<string> path)
{
    try
    {
        return path();
    }
    catch (CaseFailedException)
    {
        return null;
    }
}

static string GitCommit(string root)
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true })!;
        var commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return commit.Length > 0 ? commit : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}
