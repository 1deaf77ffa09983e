using System.Globalization;

namespace Bench.Runner.Cases;

/// <summary>
/// Scale in subjects on the embedded server over gRPC: throughput with a small and a large set of subjects
/// (every subject exchanged once first), the server's memory per subject session (managed heap after a
/// full GC, and RSS, before and after the large set's first exchanges), and whether idle sessions leave
/// memory once --session-idle-timeout has passed.
/// </summary>
public static class ScaleCase
{
    public const string Throughput = "throughput, {0} subjects";
    public const string BytesPerSession = "GC heap per session";

    public static string Name(RunnerOptions options) => $"scale: {options.Subjects:N0} vs {options.ScaleSubjects:N0} subjects, gRPC unary";

    public static async Task<CaseResult> RunAsync(RunContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var small = options.Subjects;
        var large = options.ScaleSubjects;
        var idleTimeout = options.SessionIdleTimeout;
        var result = new CaseResult(Name(options),
            $"embedded server with --session-idle-timeout {idleTimeout}; memory = managed heap after an induced full GC (EventPipe), and RSS");
        context.Progress($"{result.Name}: starting the server");
        using var server = await ServerProcess.StartSiloAsync(context.Workspace, "cluster-scale",
            ["--dev-issuer", "false", "--ephemeral", "true", "--session-idle-timeout", idleTimeout.ToString("c", CultureInfo.InvariantCulture)], cancellationToken);
        var endpoint = new Endpoint("grpc", server.Grpc!);
        var handler = context.Workspace.Config.HandlerName;

        Load First(int subjects) => new() { Concurrency = options.Concurrency, Count = subjects, Subjects = subjects };
        Load Saturate(int subjects) => new() { Concurrency = options.Concurrency, Duration = options.Duration, Subjects = subjects };
        Load Warm(int subjects) => new() { Concurrency = options.Concurrency, Duration = options.Warmup, Subjects = subjects };

        await context.Generator.RunAsync(endpoint, First(small), "scale-small-first", handler, cancellationToken);
        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"{result.Name}, run {run}: {small:N0} subjects");
            await context.Generator.RunAsync(endpoint, Warm(small), "scale-small-warmup", handler, cancellationToken);
            result.Add(string.Format(CultureInfo.InvariantCulture, Throughput, small.ToString("N0", CultureInfo.InvariantCulture)), "exchanges/s",
                (await context.Generator.RunAsync(endpoint, Saturate(small), "scale-small", handler, cancellationToken)).Throughput);
        }, cancellationToken);

        var heapBefore = Heap(server);
        var rssBefore = ProcFs.ResidentBytes(server.Pid);
        context.Progress($"{result.Name}: first exchange of {large:N0} subjects");
        var first = await context.Generator.RunAsync(endpoint, First(large), "scale-large-first", handler, cancellationToken);
        result.Add("first exchange of each subject (creates the user)", "exchanges/s", first.Throughput);
        if (first.Failed > 0) result.Notes.Add($"first exchanges: {first.Failed} of {first.Requests} failed: {first.ErrorText}");
        var heapActive = Heap(server);
        var rssActive = ProcFs.ResidentBytes(server.Pid);
        var added = large - small;
        result.Add(BytesPerSession, "B", (heapActive - heapBefore) / (double)added);
        result.Add("RSS per session", "B", (rssActive - rssBefore) / (double)added);

        await context.RepeatAsync(result, async run =>
        {
            context.Progress($"{result.Name}, run {run}: {large:N0} subjects");
            await context.Generator.RunAsync(endpoint, Warm(large), "scale-large-warmup", handler, cancellationToken);
            result.Add(string.Format(CultureInfo.InvariantCulture, Throughput, large.ToString("N0", CultureInfo.InvariantCulture)), "exchanges/s",
                (await context.Generator.RunAsync(endpoint, Saturate(large), "scale-large", handler, cancellationToken)).Throughput);
        }, cancellationToken);

        // Idle: one timeout, plus Orleans' collection quantum (half the timeout), plus slack for the collector's pass.
        var wait = idleTimeout + idleTimeout / 2 + TimeSpan.FromSeconds(10);
        context.Progress($"{result.Name}: idle for {wait.TotalSeconds:F0} s, then memory again");
        await Task.Delay(wait, cancellationToken);
        var heapIdle = Heap(server);
        var rssIdle = ProcFs.ResidentBytes(server.Pid);
        result.Add("GC heap per subject after idle", "B", (heapIdle - heapBefore) / (double)added);
        result.Add("RSS per subject after idle", "B", (rssIdle - rssBefore) / (double)added);
        result.Add("session memory released when idle", "%", heapActive > heapBefore ? 100.0 * (heapActive - heapIdle) / (heapActive - heapBefore) : double.NaN);
        result.Notes.Add("after idle, what remains per subject is its stored state (the embedded default keeps grain state in memory: user, index entry, session record)");
        return result;
    }

    private static long Heap(ServerProcess server) => GcHeap.LiveBytesAfterFullGc(server.Pid, TimeSpan.FromSeconds(60));
}
