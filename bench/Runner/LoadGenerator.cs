using System.Globalization;
using System.Text.Json;

namespace Bench.Runner;

/// <summary>What to drive: a target (grpc, grpc-stream, http) at a server address.</summary>
public sealed record Endpoint(string Target, string Server);

/// <summary>How hard and how long: a closed model (concurrency) or an open one (arrival rate).</summary>
public sealed record Load
{
    public int? Concurrency { get; init; }
    public double? Rate { get; init; }
    public TimeSpan? Duration { get; init; }
    public long? Count { get; init; }
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
    public required int Subjects { get; init; }

    /// <summary>Each request's subject drawn uniformly from all <see cref="Subjects"/> (txctl --subject-order random), not in turn from the first.</summary>
    public bool RandomOrder { get; init; }

    /// <summary>Every request presents a subject token never presented before (txctl --fresh-tokens; needs <see cref="Count"/>).</summary>
    public bool FreshTokens { get; init; }

    /// <summary>Length of each timeline point (txctl --interval); a second when not given.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>More txctl bench options (scopes, audiences, the requested token type of a case's requests).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>The load generator's JSON summary (txctl bench --json), the figures the report uses.</summary>
public sealed record LoadSummary(
    double DurationSeconds, long Requests, long Succeeded, long Failed, double Throughput,
    double P50, double P90, double P99, double P999, double Max, IReadOnlyDictionary<string, long> Errors, long Dropped)
{
    /// <summary>Successful exchanges per timeline point, each <see cref="IntervalSeconds"/> long (the last may be partial).</summary>
    public IReadOnlyList<long> Timeline { get; init; } = [];

    public double IntervalSeconds { get; init; } = 1;

    public static LoadSummary Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var latency = root.GetProperty("latencyMs");
        var errors = new Dictionary<string, long>();
        if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            foreach (var error in e.EnumerateObject()) errors[error.Name] = error.Value.GetInt64();
        return new LoadSummary(
            root.GetProperty("durationSeconds").GetDouble(), root.GetProperty("requests").GetInt64(),
            root.GetProperty("succeeded").GetInt64(), root.GetProperty("failed").GetInt64(), root.GetProperty("throughput").GetDouble(),
            latency.GetProperty("p50").GetDouble(), latency.GetProperty("p90").GetDouble(), latency.GetProperty("p99").GetDouble(),
            latency.GetProperty("p999").GetDouble(), latency.GetProperty("max").GetDouble(), errors,
            root.TryGetProperty("dropped", out var dropped) && dropped.ValueKind == JsonValueKind.Number ? dropped.GetInt64() : 0)
        {
            Timeline = root.TryGetProperty("timeline", out var timeline) ? [.. timeline.EnumerateArray().Select(p => p.GetProperty("succeeded").GetInt64())] : [],
            IntervalSeconds = root.TryGetProperty("timelineIntervalSeconds", out var interval) ? interval.GetDouble() : 1,
        };
    }

    public string ErrorText => Errors.Count == 0 ? "" : string.Join(", ", Errors.Select(e => $"{e.Key}: {e.Value}"));
}

/// <summary>Runs <c>txctl bench</c> (the project's own load generator) and reads its JSON summary.</summary>
public sealed class LoadGenerator(Workspace workspace, string txctlDll)
{
    private int invocation;

    public async Task<LoadSummary> RunAsync(Endpoint endpoint, Load load, string label, string? handler, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref invocation);
        var jsonPath = workspace.RawPath($"{n:D3}-{label}.json");
        var arguments = new List<string>
        {
            txctlDll, "bench", "--target", endpoint.Target, "--server", endpoint.Server,
            "--client-id", workspace.Config.ClientId, "--client-secret", workspace.Config.ClientSecret,
            "--warmup", Seconds(load.Warmup), "--subjects", load.Subjects.ToString(CultureInfo.InvariantCulture),
            "--subject-key", workspace.SubjectKeyPem, "--subject-issuer", workspace.Config.SubjectIssuer,
            "--subject-kid", workspace.SubjectKeyId, "--subject-audience", workspace.Config.SubjectAudience,
            "--quiet", "--json", jsonPath,
        };
        if (handler is not null) arguments.AddRange(["--handler", handler]);
        if (load.Concurrency is { } concurrency) arguments.AddRange(["--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)]);
        if (load.Rate is { } rate) arguments.AddRange(["--rate", Math.Max(1, Math.Round(rate)).ToString(CultureInfo.InvariantCulture)]);
        if (load.Duration is { } duration) arguments.AddRange(["--duration", Seconds(duration)]);
        if (load.Count is { } count) arguments.AddRange(["--count", count.ToString(CultureInfo.InvariantCulture)]);
        if (load.RandomOrder) arguments.AddRange(["--subject-order", "random"]);
        if (load.FreshTokens) arguments.Add("--fresh-tokens");
        if (load.Interval is { } interval) arguments.AddRange(["--interval", $"{interval.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms"]);
        arguments.AddRange(load.Arguments);

        var logPath = workspace.LogPath($"{n:D3}-{label}.log");
        File.WriteAllText(logPath, "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)) + Environment.NewLine);
        var process = ChildProcesses.Start("dotnet", arguments, logPath);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            ChildProcesses.Stop(process);
        }
        if (process.ExitCode != 0 || !File.Exists(jsonPath))
            throw new CaseFailedException($"txctl bench exited with {process.ExitCode} ({label}); see {Path.GetFileName(logPath)}: {LastLine(logPath)}");
        return LoadSummary.Parse(await File.ReadAllTextAsync(jsonPath, cancellationToken));
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";

    private static string LastLine(string path) =>
        File.ReadLines(path).LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() is { } line ? (line.Length > 200 ? line[..200] : line) : "(no output)";
}

/// <summary>A case could not be measured; the table shows the message instead of figures.</summary>
public sealed class CaseFailedException(string message) : Exception(message);
