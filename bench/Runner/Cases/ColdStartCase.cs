using System.Globalization;
using System.Text;

namespace Bench.Runner.Cases;

/// <summary>
/// A new silo under load (issue 15, warm start): the embedded server is started, and as soon as it reports
/// ready a load generator drives it over gRPC unary at full concurrency for 10 s; its throughput per 250 ms
/// shows how long the silo takes to reach its steady throughput (tiered JIT, first activations). Steady is the
/// median of the last 4 s; the silo is steady from the first 1 s window whose throughput is at least 90 % of it.
/// Target: steady within 1 s of the first request. Two kinds of new silo, each run: one whose subjects are all new
/// (in memory: their first exchanges create the users), and one restarted on the data folder (SQLite) of a silo that
/// had exchanged every subject once, as a silo replaced in a rolling restart finds its subjects: apart, what the
/// JIT costs and what new subjects cost.
/// The load generator is a new process too, whose own code tiers up over its first seconds (against a silo warm for
/// 40 s, a new generator's throughput still rose from about 11k to 17k/s over its 10 s): each one first spends
/// <see cref="GeneratorWarmup"/> against a reference silo, warmed at the case's start, and meets the new silo warm
/// (<c>txctl bench --warmup-server</c>). The new silo's first request is the first measured one.
/// </summary>
public static class ColdStartCase
{
    public const string Name = "cold start: a new silo under load, gRPC unary";
    public const string TimeToSteady = "time from the first request to steady throughput";
    public const string FirstSecond = "first second's throughput ÷ steady";
    public const string JitMethods = "methods the JIT compiled from readiness to the end of the 10 s under load";

    /// <summary>The figures of the restarted silo, whose subjects it knows, carry this prefix.</summary>
    public const string Known = "subjects known (restarted silo): ";

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long each load generator warms itself against the reference silo before it loads the new one.</summary>
    public static readonly TimeSpan GeneratorWarmup = TimeSpan.FromSeconds(10);
    private const int PointsPerSecond = 4;

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var environment = string.Join(' ', options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}"));
        var result = new CaseResult(Name,
            $"a new embedded server, loaded as soon as /readyz says ready: {options.Subjects:N0} subjects, concurrency {options.Concurrency}; subjects new (ephemeral) and known (restarted on a data folder where each was exchanged once); " +
            $"{Window.TotalSeconds:F0} s in points of {Interval.TotalMilliseconds:F0} ms; each load generator first warmed for {GeneratorWarmup.TotalSeconds:F0} s against a warm reference silo{(environment.Length > 0 ? $"; server environment {environment}" : "")}");
        var timelines = new List<IReadOnlyList<long>>();
        var knownTimelines = new List<IReadOnlyList<long>>();
        context.Progress($"{Name}: a reference silo for the load generators to warm against");
        using var reference = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-coldstart-reference", ["--dev-issuer", "false", "--ephemeral", "true"], cancellationToken);
        var referenceWarmup = await context.Generator.RunAsync(new Endpoint("grpc", reference.Grpc!),
            new Load { Concurrency = options.Concurrency, Duration = GeneratorWarmup, Subjects = options.Subjects }, "coldstart-reference", context.Workspace.Config.HandlerName, cancellationToken);
        if (referenceWarmup.Failed > 0) throw new CaseFailedException($"warming the reference silo: {referenceWarmup.Failed} of {referenceWarmup.Requests} failed: {referenceWarmup.ErrorText}");
        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"{Name}, run {run}: starting a new server");
            using (var server = await ServerProcess.StartSiloAsync(context.Workspace, $"cluster-coldstart-{run}", ["--dev-issuer", "false", "--ephemeral", "true"], cancellationToken))
                timelines.Add(await MeasureAsync(context, result, server, reference, "", $"coldstart-{run}", cancellationToken));

            // The same on a restarted silo: a first silo exchanges every subject once on a data folder of its own, and a
            // new process on that folder is measured.
            var data = Path.Combine(context.Workspace.Directory, $"coldstart-data-{run}");
            string[] durable = ["--dev-issuer", "false", "--data", data];
            context.Progress($"{Name}, run {run}: a silo that knows every subject, restarted");
            using (var first = await ServerProcess.StartSiloAsync(context.Workspace, $"cluster-coldstart-{run}-prime", durable, cancellationToken))
            {
                var prime = await context.Generator.RunAsync(new Endpoint("grpc", first.Grpc!),
                    new Load { Concurrency = options.Concurrency, Count = options.Subjects, Subjects = options.Subjects }, $"coldstart-{run}-prime", context.Workspace.Config.HandlerName, cancellationToken);
                if (prime.Failed > 0) throw new CaseFailedException($"priming the data folder: {prime.Failed} of {prime.Requests} failed: {prime.ErrorText}");
            }
            using (var restarted = await ServerProcess.StartSiloAsync(context.Workspace, $"cluster-coldstart-{run}-restarted", durable, cancellationToken))
                knownTimelines.Add(await MeasureAsync(context, result, restarted, reference, Known, $"coldstart-{run}-restarted", cancellationToken));
        }, cancellationToken);
        result.Notes.Add(ReadyToRun.Describe(context.Workspace.ServerDll));
        if (timelines.Count > 0) result.Notes.Add("new subjects: throughput per 250 ms (exchanges/s), each run:\n\n" + Chart(timelines));
        if (knownTimelines.Count > 0) result.Notes.Add("subjects known (restarted silo): throughput per 250 ms (exchanges/s), each run:\n\n" + Chart(knownTimelines));
        return result;
    }

    /// <summary>Loads a silo that just became ready for 10 s and adds its figures, named with <paramref name="prefix"/>; returns its timeline.</summary>
    private static async Task<IReadOnlyList<long>> MeasureAsync(RunContext context, CaseResult result, ServerProcess server, ServerProcess reference, string prefix, string label, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var (methodsBefore, jitBefore) = await JitAsync(server, cancellationToken);
        var load = await context.Generator.RunAsync(new Endpoint("grpc", server.Grpc!),
            new Load
            {
                Concurrency = options.Concurrency,
                Duration = Window,
                Subjects = options.Subjects,
                Interval = Interval,
                Warmup = GeneratorWarmup,
                Arguments = ["--warmup-server", reference.Grpc!],
            }, label, context.Workspace.Config.HandlerName, cancellationToken);
        var perSecond = load.Timeline.Take((int)(Window / Interval)).Select(n => n / load.IntervalSeconds).ToList();
        if (perSecond.Count < 2 * PointsPerSecond * 2) throw new CaseFailedException($"{label}: only {perSecond.Count} timeline points");
        var steady = Median(perSecond.Skip(perSecond.Count - 4 * PointsPerSecond));
        var start = Enumerable.Range(0, perSecond.Count - PointsPerSecond + 1).FirstOrDefault(i => perSecond.Skip(i).Take(PointsPerSecond).Average() >= 0.9 * steady, -1);
        result.Add(prefix + TimeToSteady, "s", start < 0 ? double.NaN : start * Interval.TotalSeconds);
        result.Add(prefix + FirstSecond, "ratio", perSecond.Take(PointsPerSecond).Average() / steady);
        result.Add(prefix + "steady throughput (median of the last 4 s)", "exchanges/s", steady);
        // What the JIT still had to compile under the load: a silo warm at readiness compiles little (CPU time, so
        // a busy machine inflates the seconds more than the count).
        var (methodsAfter, jitAfter) = await JitAsync(server, cancellationToken);
        result.Add(prefix + JitMethods, "methods", methodsAfter - methodsBefore);
        result.Add(prefix + "JIT time from readiness to the end of the 10 s under load", "s", jitAfter - jitBefore);
        if (load.Failed > 0) result.Notes.Add($"{label}: {load.Failed} of {load.Requests} failed: {load.ErrorText}");
        return [.. perSecond.Select(v => (long)v)];
    }

    /// <summary>A text chart: one row per 250 ms point, each run's throughput as a figure and a bar scaled to the highest.</summary>
    private static string Chart(IReadOnlyList<IReadOnlyList<long>> runs)
    {
        var max = Math.Max(1, runs.SelectMany(r => r).DefaultIfEmpty(1).Max());
        var chart = new StringBuilder("```\n");
        chart.Append(" time ");
        for (var r = 0; r < runs.Count; r++) chart.Append(CultureInfo.InvariantCulture, $"| run {r + 1,-30}");
        chart.Append('\n');
        for (var i = 0; i < runs.Max(r => r.Count); i++)
        {
            chart.Append(CultureInfo.InvariantCulture, $"{(i + 1) * Interval.TotalSeconds,5:F2}s");
            foreach (var run in runs)
            {
                var value = i < run.Count ? run[i] : 0;
                chart.Append(CultureInfo.InvariantCulture, $"| {value,7:N0} {new string('#', (int)Math.Round(20.0 * value / max)),-20}  ");
            }
            chart.Append('\n');
        }
        return chart.Append("```").ToString();
    }

    /// <summary>The server's own count of methods its JIT compiled, and the time it spent, since the process started.</summary>
    private static async Task<(double Methods, double Seconds)> JitAsync(ServerProcess server, CancellationToken cancellationToken) =>
        (await ServerCounters.ReadAsync(server, "dotnet_jit_compiled_methods_total", cancellationToken),
         await ServerCounters.ReadAsync(server, "dotnet_jit_compilation_time_seconds_total", cancellationToken));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
