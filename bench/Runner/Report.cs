using System.Globalization;
using System.Text;
using System.Text.Json;
using Bench.Runner.Cases;

namespace Bench.Runner;

/// <summary>A target of issues 6 and 15, checked by the table: a ratio or figure and its bound.</summary>
public sealed record Target(string Name, double? Measured, string Bound, bool? Met, string How);

/// <summary>Writes latest.md (medians, min-max, the targets) and latest.json (every value) from the case results.</summary>
public static class Report
{
    public static IReadOnlyList<Target> Targets(IReadOnlyList<CaseResult> cases, RunnerOptions options)
    {
        CaseResult? Case(string name) => cases.FirstOrDefault(c => c.Name == name);
        double? Median(string caseName, string figure) => Case(caseName)?.Median(figure);
        double? Divide(double? a, double? b) => a is { } x && b is { } y && y != 0 ? x / y : null;

        var grpc = EmbeddedCase.NameOf("gRPC unary");
        var http = EmbeddedCase.NameOf("HTTP");
        var scale = ScaleCase.Name(options);
        var floorCpu = Median(FloorCase.Name, FloorCase.CpuPerPair);
        var cpuRatio = Divide(Median(grpc, Figures.ServerCpu), floorCpu);
        var repeatedRatio = Divide(Median(TokensCase.NameOf("gRPC unary"), TokensCase.Figure(TokensCase.Repeated, Figures.ServerCpu)), floorCpu);
        var freshRatio = Divide(Median(TokensCase.NameOf("gRPC unary"), TokensCase.Figure(TokensCase.Fresh, Figures.ServerCpu)), floorCpu);
        var openIddict = Divide(Median(TokensCase.NameOf("HTTP"), TokensCase.Figure(TokensCase.Fresh, Figures.Throughput)), Median(PeersCase.OpenIddict, Figures.Throughput));
        var floor = Divide(Median(PeersCase.Minimal, Figures.Throughput), Median(http, Figures.Throughput));
        var p99 = Median(grpc, Figures.P99AtHalf);
        var scaleRatio = Divide(Median(scale, ScaleCase.ThroughputOf(options.ScaleSubjects)), Median(scale, ScaleCase.ThroughputOf(options.Subjects)));
        var bytes = Median(scale, $"{ScaleCase.HeapPerSubject} (after every subject's first exchange)");
        var steady = Median(ColdStartCase.Name, ColdStartCase.TimeToSteady);
        var steadyKnown = Median(ColdStartCase.Name, ColdStartCase.Known + ColdStartCase.TimeToSteady);
        var warmAllocated = Median(grpc, ServerAllocations.PerWarmExchange);
        var firstAllocated = Median(grpc, ServerAllocations.PerFirstExchange);
        return
        [
            new("server CPU per exchange (gRPC unary, embedded) ÷ crypto floor CPU per pair", cpuRatio, "≤ 2.0", Check(cpuRatio, v => v <= 2.0), "medians"),
            new("server CPU per exchange, repeated tokens, gRPC unary ÷ crypto floor", repeatedRatio, "≤ 1.0", Check(repeatedRatio, v => v <= 1.0), "medians (subject tokens case)"),
            new("server CPU per exchange, fresh tokens, gRPC unary ÷ crypto floor", freshRatio, "≤ 1.5", Check(freshRatio, v => v <= 1.5), "medians (subject tokens case)"),
            new("cluster HTTP throughput, fresh tokens ÷ OpenIddict", openIddict, "≥ 1.5", Check(openIddict, v => v >= 1.5), "medians, same load generator and concurrency"),
            new("minimal endpoint throughput ÷ cluster HTTP", floor, "≤ 1.2", Check(floor, v => v <= 1.2), "medians"),
            new("p99 latency at 50% of saturation, gRPC unary (ms)", p99, "< 3", Check(p99, v => v < 3), "median of runs"),
            new($"throughput {options.ScaleSubjects:N0} ÷ {options.Subjects:N0} subjects (uniform random, all active)", scaleRatio, "≥ 0.8", Check(scaleRatio, v => v >= 0.8), "medians, same server, both sets active"),
            new("managed heap per active subject (bytes)", bytes, "≤ 3072", Check(bytes, v => v <= 3072), "GC heap after a full GC, before/after every subject's first exchange, activations read with it"),
            new("new silo: time from its first request to steady throughput (s)", steady, "≤ 1", Check(steady, v => v <= 1), "median of runs (cold start case)"),
            new("… a restarted silo whose subjects exist (s)", steadyKnown, "≤ 1", Check(steadyKnown, v => v <= 1), "median of runs (cold start case, on a data folder)"),
            new("server bytes allocated per warm exchange, gRPC unary", warmAllocated, "≤ 6 KB", Check(warmAllocated, v => v <= 6 * 1024), "median; the runtime's allocated-bytes counter around the saturation window"),
            new("server bytes allocated per new subject's first exchange, gRPC unary", firstAllocated, "≤ 30 KB", Check(firstAllocated, v => v <= 30 * 1024), "median; a phase of new subjects each exchanged once"),
        ];
    }

    /// <summary>Null when the figure was not measured (a failed or skipped case), else whether the bound holds.</summary>
    private static bool? Check(double? measured, Func<double, bool> bound) => measured is { } v && double.IsFinite(v) ? bound(v) : null;

    public static string Markdown(IReadOnlyList<CaseResult> cases, IReadOnlyList<Target> targets, Machine machine, RunnerOptions options)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine($"Machine: {machine.Cores} cores, {machine.CpuModel}; .NET {Environment.Version}; commit {machine.Commit}; {machine.Date:yyyy-MM-dd HH:mm} UTC.");
        md.AppendLine($"Command: `{machine.Command}`");
        md.AppendLine($"Each case ran {options.Runs} time(s){(options.Quick ? " (--quick: short windows, fewer subjects; a smoke test, not a measurement)" : "")}: median and min–max over the runs. " +
                      $"Load generator: `txctl bench`; windows of {options.Duration.TotalSeconds:F0} s after {options.Warmup.TotalSeconds:F0} s of warm-up. Raw figures: `latest.json`.");
        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | bound | met |");
        md.AppendLine("|---|---:|---|---|");
        foreach (var t in targets)
            md.AppendLine($"| {t.Name} | {Format(t.Measured)} | {t.Bound} | {(t.Met switch { true => "yes", false => "**no**", null => "not measured" })} |");
        md.AppendLine();
        foreach (var result in cases)
        {
            md.AppendLine($"## {result.Name}");
            md.AppendLine();
            md.AppendLine(result.Description);
            md.AppendLine();
            if (result.Figures.Any())
            {
                md.AppendLine("| figure | median | min–max | unit |");
                md.AppendLine("|---|---:|---:|---|");
                foreach (var f in result.Figures)
                    md.AppendLine($"| {f.Name} | {Format(f.Median)} | {Format(f.Min)}–{Format(f.Max)} | {f.Unit} |");
                md.AppendLine();
            }
            foreach (var failure in result.Failures) md.AppendLine($"- **failed**: {failure}");
            foreach (var note in result.Notes) md.AppendLine($"- {note}");
            if (result.Failures.Count > 0 || result.Notes.Count > 0) md.AppendLine();
        }
        return md.ToString();
    }

    public static string Json(IReadOnlyList<CaseResult> cases, IReadOnlyList<Target> targets, Machine machine) =>
        JsonSerializer.Serialize(new
        {
            machine,
            targets,
            cases = cases.Select(c => new
            {
                c.Name,
                c.Description,
                figures = c.Figures.Select(f => new { f.Name, f.Unit, f.Values, median = Finite(f.Median) }),
                c.Failures,
                c.Notes,
            }),
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Format(double? value) => value switch
    {
        null => "–",
        { } v when !double.IsFinite(v) => "–",
        { } v when Math.Abs(v) >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        { } v => v.ToString("F2", CultureInfo.InvariantCulture),
    };
}

/// <summary>Where and how the figures were made.</summary>
public sealed record Machine(int Cores, string CpuModel, string Commit, DateTime Date, string Command);
