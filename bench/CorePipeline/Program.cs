using System.Diagnostics;
using System.Globalization;
using Bench.CorePipeline;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Usage:
//   CorePipeline [--quick] [BenchmarkDotNet options]   time and allocations per exchange (in process)
//   CorePipeline --allocations N --json FILE            managed bytes allocated per warm exchange, by every thread (see ExchangeAllocations)
//   CorePipeline --profile SECONDS                      exchanges in a loop, for dotnet-trace / dotnet-counters:
//     dotnet-trace collect --profile cpu-sampling -- dotnet bench/CorePipeline/bin/Release/net10.0/CorePipeline.dll --profile 20
if (args.Length >= 2 && args[0] == "--profile")
{
    var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
    var pipeline = new ExchangePipeline();
    var requests = Enumerable.Range(0, 256).Select(i => pipeline.Request($"bench-subject-{i}")).ToArray();
    var clock = Stopwatch.StartNew();
    long count = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        var outcome = await pipeline.ExchangeAsync(requests[count++ % requests.Length]);
        if (outcome.Error is { } error) throw new InvalidOperationException($"{error.Code}: {error.Description}");
    }
    Console.WriteLine($"{count} exchanges in {clock.Elapsed.TotalSeconds:F1} s: {count / clock.Elapsed.TotalSeconds:N0}/s on one thread");
    return 0;
}

if (args.Length >= 4 && args[0] == "--allocations" && args[2] == "--json")
{
    var perExchange = await ExchangeAllocations.MeasureAsync(new ExchangePipeline(), int.Parse(args[1], CultureInfo.InvariantCulture));
    await File.WriteAllTextAsync(args[3], System.Text.Json.JsonSerializer.Serialize(new { bytesPerExchange = perExchange }));
    Console.WriteLine($"{perExchange:N0} bytes allocated per warm exchange (all threads)");
    return 0;
}

var quick = args.Contains("--quick");
// In process: no generated project to build on a busy machine; the MemoryDiagnoser still counts allocations.
var job = (quick ? Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1) : Job.Default)
    .WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
var switcherArgs = args.Where(a => a != "--quick").ToList();
// Without a filter BenchmarkDotNet asks which benchmark to run: run them all.
if (!switcherArgs.Any(a => a.StartsWith("--filter", StringComparison.Ordinal))) switcherArgs.Add("--filter=*");
BenchmarkSwitcher.FromAssembly(typeof(ExchangeBenchmarks).Assembly).Run([.. switcherArgs], config);
return 0;
