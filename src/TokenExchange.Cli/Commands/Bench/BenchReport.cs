using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary>What a person sees: a live line while the run goes (on a terminal), then the summary table.</summary>
public static class BenchReport
{
    public static IAnsiConsole Console(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });

    /// <summary>Live progress only on a terminal, and never when asked to be quiet.</summary>
    public static bool ShowLive(TextWriter error, bool quiet) => !quiet && ReferenceEquals(error, System.Console.Error) && !System.Console.IsErrorRedirected;

    /// <summary>Refreshes the live view until <paramref name="run"/> completes.</summary>
    public static async Task WatchAsync(TextWriter error, string title, BenchRecorder recorder, Func<bool> measuring, Task run)
    {
        var console = Console(error);
        await console.Live(Progress(title, recorder, measuring())).AutoClear(true).StartAsync(async live =>
        {
            while (await Task.WhenAny(run, Task.Delay(500)) != run)
            {
                live.UpdateTarget(Progress(title, recorder, measuring()));
            }
        });
    }

    private static IRenderable Progress(string title, BenchRecorder recorder, bool measuring)
    {
        if (!measuring) return new Markup($"[grey]{Markup.Escape(title)}: warming up…[/]");
        var (ok, failed, p99, perSecond) = recorder.Progress();
        return new Markup(string.Create(CultureInfo.InvariantCulture,
            $"{Markup.Escape(title)}: [green]{ok:N0} ok[/]  [red]{failed:N0} failed[/]  {perSecond:N0} req/s  p99 {p99:0.###} ms  ({recorder.ElapsedSeconds:0} s)"));
    }

    public static void WriteSummary(TextWriter output, BenchSummary summary)
    {
        var console = Console(output);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Target}, {summary.Model} model, {(summary.Rate is { } rate ? $"{rate:0.##}/s" : $"concurrency {summary.Concurrency}")}, {summary.DurationSeconds:0.#} s"));
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn(new TableColumn("").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("requests", summary.Requests.ToString("N0", CultureInfo.InvariantCulture));
        Row("ok", summary.Succeeded.ToString("N0", CultureInfo.InvariantCulture));
        Row("failed", summary.Failed.ToString("N0", CultureInfo.InvariantCulture));
        if (summary.Model == "open") Row("dropped", summary.Dropped.ToString("N0", CultureInfo.InvariantCulture));
        Row("throughput (ok/s)", summary.Throughput.ToString("N1", CultureInfo.InvariantCulture));
        var latency = summary.LatencyMs;
        foreach (var (name, ms) in new[] { ("p50", latency.P50), ("p90", latency.P90), ("p99", latency.P99), ("p99.9", latency.P999), ("max", latency.Max) })
            Row($"{name} ms", ms.ToString("0.###", CultureInfo.InvariantCulture));
        foreach (var (code, count) in summary.Errors) Row($"error {code}", count.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var (kind, count) in summary.TransportErrors) Row($"transport {kind}", count.ToString("N0", CultureInfo.InvariantCulture));
        console.Write(table);
    }
}
