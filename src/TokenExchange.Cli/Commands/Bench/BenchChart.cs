using ScottPlot;

namespace TokenExchange.Cli.Commands.Bench;

/// <summary><c>--chart FILE.png</c>: throughput (left axis) and p99 latency (right axis) for each timeline interval of the run.</summary>
public static class BenchChart
{
    public static void Write(string path, BenchSummary summary)
    {
        // A last point of a fraction of a second (the drain after the end) holds too few samples to plot.
        var points = summary.Timeline.Where(p => p.Length >= 0.5 * summary.TimelineIntervalSeconds).ToList();
        if (points.Count == 0) points = [.. summary.Timeline];
        var seconds = points.Select(p => p.Second * summary.TimelineIntervalSeconds).ToArray();
        var plot = new Plot();
        plot.Title($"{summary.Target}, {summary.Model} model: {summary.Throughput:0} ok/s, p99 {summary.LatencyMs.P99:0.##} ms");
        plot.XLabel("second");

        var throughput = plot.Add.Scatter(seconds, points.Select(p => p.Succeeded / Math.Max(p.Length, 0.001)).ToArray());
        throughput.LegendText = "ok/s";
        plot.Axes.Left.Label.Text = "ok/s";

        var p99 = plot.Add.Scatter(seconds, points.Select(p => p.P99Ms).ToArray());
        p99.LegendText = "p99 ms";
        p99.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "p99 ms";

        plot.ShowLegend();
        plot.SavePng(path, 1000, 500);
    }
}
