using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bench.CryptoFloor;

// Usage: CryptoFloor [--duration SECONDS=3] [--json FILE]
// Ops/s of validate, sign and validate+sign on one thread and on every core, and the process CPU time per
// validate+sign pair (one thread, so the figure is the work itself, not contention).
var duration = TimeSpan.FromSeconds(double.Parse(Option("--duration") ?? "3", CultureInfo.InvariantCulture));
var jsonPath = Option("--json");
var work = new EcdsaJwtWork();
var operations = new (string Name, Action Run)[]
{
    ("validate", () => work.Validate()),
    ("sign", () => work.Sign("u-0123456789abcdef01234567")),
    ("pair", () => work.Pair()),
};

var cores = Environment.ProcessorCount;
var results = new Dictionary<string, OperationResult>();
foreach (var (name, run) in operations)
{
    Measure(run, 1, TimeSpan.FromSeconds(0.5)); // JIT and signature provider caches
    var single = Measure(run, 1, duration);
    var all = Measure(run, cores, duration);
    results[name] = new OperationResult(single.OpsPerSecond, all.OpsPerSecond, single.CpuMicrosPerOp);
    Console.WriteLine($"{name,-9} one core {single.OpsPerSecond,10:N0} ops/s   {cores} cores {all.OpsPerSecond,10:N0} ops/s   {single.CpuMicrosPerOp,7:N1} µs CPU/op");
}
var summary = new FloorSummary(cores, duration.TotalSeconds, results, results["pair"].CpuMicrosecondsPerOp);
if (jsonPath is not null)
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
return 0;

static (double OpsPerSecond, double CpuMicrosPerOp) Measure(Action run, int threads, TimeSpan duration)
{
    var process = Process.GetCurrentProcess();
    process.Refresh();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var counts = new long[threads];
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
    {
        long n = 0;
        while (clock.Elapsed < duration)
        {
            run();
            n++;
        }
        counts[thread] = n;
    });
    var elapsed = clock.Elapsed;
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpuBefore;
    var total = counts.Sum();
    return (total / elapsed.TotalSeconds, cpu.TotalMicroseconds / total);
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed record OperationResult(double OpsPerSecondOneCore, double OpsPerSecondAllCores, double CpuMicrosecondsPerOp);

internal sealed record FloorSummary(int Cores, double DurationSeconds, Dictionary<string, OperationResult> Operations, double CpuMicrosecondsPerPair);
