namespace Bench.CorePipeline;

/// <summary>
/// Managed bytes allocated per warm exchange, counted for every thread of the process
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, precise) around a loop of exchanges after a warm-up.
/// BenchmarkDotNet's memory diagnoser reported 0 B for the whole exchange in committed results while the
/// stages it is made of allocated kilobytes; this count does not depend on which thread an awaited step
/// continues on, nor on how a diagnoser treats an async benchmark, so the runner reports it next to the
/// diagnoser's figure (issue 15).
/// </summary>
public static class ExchangeAllocations
{
    private const int Subjects = 256;

    public static async Task<double> MeasureAsync(ExchangePipeline pipeline, int exchanges)
    {
        var requests = Enumerable.Range(0, Subjects).Select(i => pipeline.Request($"bench-subject-{i}")).ToArray();
        // Every subject's user is cached and every path is jitted before counting: the warm steady state.
        for (var i = 0; i < Subjects * 4; i++) await ExchangeAsync(pipeline, requests[i % Subjects]);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < exchanges; i++) await ExchangeAsync(pipeline, requests[i % Subjects]);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)exchanges;
    }

    private static async Task ExchangeAsync(ExchangePipeline pipeline, TokenExchange.Exchange.ExchangeRequest request)
    {
        var outcome = await pipeline.ExchangeAsync(request);
        if (outcome.Error is { } error) throw new InvalidOperationException($"exchange failed: {error.Code} {error.Description}");
    }
}
