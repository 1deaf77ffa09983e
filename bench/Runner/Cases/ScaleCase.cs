using System.Diagnostics;
using System.Globalization;

namespace Bench.Runner.Cases;

/// <summary>
/// Scale in subjects on the embedded server over gRPC, like with like (issue 15): every one of the large set's
/// subjects is exchanged once first, so all of them are active (the small set is a part of it); the server's
/// session idle timeout is longer than the whole case, so nothing is collected while it runs; then each run
/// measures the small and the large set on the same server, each request's subject drawn uniformly at random
/// from its set (txctl --subject-order random), with the warm-up in the same load run. Memory is the managed
/// heap after an induced full GC, read together with Orleans' activation count at that moment.
/// The server keeps its state in the embedded default's SQLite database (a fresh --data folder in the workspace,
/// deleted after the case), not in memory (--ephemeral): in memory, the storage's own copy of each subject's records
/// (about 1.3 KB per subject, measured with dotnet-gcdump) would count as heap per active subject though it is
/// storage, which a silo on SQLite or PostgreSQL keeps on disk (docs/architecture.md, "A warm subject is one
/// activation"). Warm exchanges read no storage, so the throughput figures do not depend on it.
/// Every load of the case presents each subject's same token (txctl --subject-tokens-file), and the handler's
/// verified-token cache is sized for the large set (maxEntries, maxAge of an hour), as an operator with that many
/// active subjects per silo would size it: both sets then present tokens the server verified before, as active
/// subjects do. Before, each load process minted new tokens, and with its default bound (100,000 entries) the large
/// set was in effect a fresh-token run against a repeated-token one (its ratio was the fresh ÷ repeated CPU ratio).
/// </summary>
public static class ScaleCase
{
    public const string Throughput = "throughput, {0} subjects (uniform random, all active)";
    /// <summary>The live objects' bytes (<see cref="GcHeap.Reading.Live"/>): the target's figure.</summary>
    public const string HeapPerSubject = "managed heap per active subject (live objects)";

    /// <summary>The generations' sizes (<see cref="GcHeap.Reading.Size"/>, free space included), as runs before 2026-12-02 read it.</summary>
    public const string HeapSizePerSubject = "GC heap size per active subject (free space included)";

    /// <summary>Longer than any case: the sessions of every subject stay active until memory has been read.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(6);

    /// <summary>The verified-token cache's longest allowed memory: longer than the case, so no token is verified twice.</summary>
    private static readonly TimeSpan CacheMaxAge = TimeSpan.FromHours(1);

    /// <summary>The server's default bound of the verified-token cache, kept for a smaller large set.</summary>
    private const int DefaultCacheEntries = 100_000;

    public static string Name(RunnerOptions options) => $"scale: {options.Subjects:N0} vs {options.ScaleSubjects:N0} subjects, gRPC unary";

    public static string ThroughputOf(int subjects) => string.Format(CultureInfo.InvariantCulture, Throughput, subjects.ToString("N0", CultureInfo.InvariantCulture));

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var large = options.ScaleSubjects;
        var result = new CaseResult(Name(options),
            $"embedded server on its SQLite default (not --ephemeral), --session-idle-timeout {IdleTimeout:c} (longer than the case), validationCache sized for the large set ({Math.Max(large, DefaultCacheEntries):N0} entries, {CacheMaxAge:c}); all {large:N0} subjects exchanged once before anything is measured, each presenting its same token in every load; " +
            $"each request's subject uniform at random within its set; memory = managed heap after an induced full GC (EventPipe) with Orleans' activation count read at the same moment");
        context.Progress($"{result.Name}: starting the server");
        var data = Path.Combine(context.Workspace.Directory, "scale-data");
        try
        {
            await MeasureAsync(context, result, data, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
        return result;
    }

    private static async Task MeasureAsync(RunContext context, CaseResult result, string data, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var small = options.Subjects;
        var large = options.ScaleSubjects;
        var config = context.Workspace.WriteConfig("scale.yaml", context.Workspace.Config with { ValidationCache = (CacheMaxAge, Math.Max(large, DefaultCacheEntries)) });
        using var server = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-scale",
            ["--dev-issuer", "false", "--data", data, "--session-idle-timeout", IdleTimeout.ToString("c", CultureInfo.InvariantCulture)], cancellationToken, config);
        var endpoint = new Endpoint("grpc", server.Grpc!);
        var handler = context.Workspace.Config.HandlerName;
        // One token per subject for the whole case: the first exchanges verify them, every later run presents them again.
        string[] sameTokens = ["--subject-tokens-file", Path.Combine(context.Workspace.Directory, "scale-subject-tokens.txt")];

        var (heapBefore, activationsBefore) = Memory(server);
        context.Progress($"{result.Name}: first exchange of all {large:N0} subjects");
        var clock = Stopwatch.StartNew();
        var first = await context.Generator.RunAsync(endpoint, new Load { Concurrency = options.Concurrency, Count = large, Subjects = large, Arguments = sameTokens }, "scale-first-exchange", handler, cancellationToken);
        var firstMinutes = clock.Elapsed.TotalMinutes;
        result.Add("first exchange of each subject (creates the user)", "exchanges/s", first.Throughput);
        if (first.Failed > 0) result.Notes.Add($"first exchanges: {first.Failed} of {first.Requests} failed: {first.ErrorText}");
        result.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"exchanging all {large:N0} subjects once took {firstMinutes:F1} min including minting their tokens ({first.Throughput:N0} first exchanges/s; 1,000,000 subjects at that rate: {1_000_000 / Math.Max(1, first.Throughput) / 60:F1} min)"));
        RecordMemory(result, server, "after every subject's first exchange", heapBefore, activationsBefore, large);

        await context.RepeatAsync(result, async run =>
        {
            foreach (var subjects in new[] { small, large })
            {
                context.Progress($"{result.Name}, run {run}: {subjects:N0} subjects");
                var load = await context.Generator.RunAsync(endpoint,
                    new Load { Concurrency = options.Concurrency, Duration = options.Duration, Warmup = options.Warmup, Subjects = subjects, RandomOrder = true, Arguments = sameTokens },
                    $"scale-{subjects}", handler, cancellationToken);
                result.Add(ThroughputOf(subjects), "exchanges/s", load.Throughput);
                if (load.Failed > 0) result.Notes.Add($"run {run}, {subjects:N0} subjects: {load.Failed} of {load.Requests} failed: {load.ErrorText}");
            }
        }, cancellationToken);

        // Still all there after the measured runs: the idle timeout collected nothing.
        RecordMemory(result, server, "after the measured runs", heapBefore, activationsBefore, large);
    }

    private static (GcHeap.Reading Heap, long Activations) Memory(ServerProcess server)
    {
        var heap = GcHeap.AfterFullGc(server.Pid, TimeSpan.FromSeconds(120));
        var activations = OrleansActivations.ByGrainType(server.Pid, TimeSpan.FromSeconds(30));
        return (heap, activations.Values.Sum());
    }

    private static void RecordMemory(CaseResult result, ServerProcess server, string when, GcHeap.Reading heapBefore, long activationsBefore, int subjects)
    {
        var heap = GcHeap.AfterFullGc(server.Pid, TimeSpan.FromSeconds(120));
        var byType = OrleansActivations.ByGrainType(server.Pid, TimeSpan.FromSeconds(30));
        var activations = byType.Values.Sum();
        result.Add($"{HeapPerSubject} ({when})", "B", (heap.Live - heapBefore.Live) / (double)subjects);
        result.Add($"{HeapSizePerSubject} ({when})", "B", (heap.Size - heapBefore.Size) / (double)subjects);
        result.Add($"activations per subject ({when})", "activations", (activations - activationsBefore) / (double)subjects);
        result.Add($"activations ({when})", "activations", activations);
        result.Add($"RSS ({when})", "MB", ProcFs.ResidentBytes(server.Pid) / 1024.0 / 1024.0);
        result.Notes.Add($"{when}: live objects grew {(heap.Live - heapBefore.Live) / 1024.0 / 1024.0:N0} MB (the generations {(heap.Size - heapBefore.Size) / 1024.0 / 1024.0:N0} MB) for {subjects:N0} subjects; activations by grain type: " +
                         string.Join(", ", byType.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:N0}")));
    }
}
