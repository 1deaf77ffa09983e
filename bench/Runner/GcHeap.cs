using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Bench.Runner;

/// <summary>
/// The managed heap of another .NET process after a full, blocking GC, read over EventPipe: enabling the
/// runtime's GCHeapCollect keyword induces the collection (as dotnet-gcdump does), and the GCHeapStats
/// event that follows it gives two figures. Unlike RSS, neither depends on when the GC returns memory to the OS.
/// </summary>
public static class GcHeap
{
    /// <param name="Live">
    /// The bytes of the objects the collection found alive (what survived it in each generation, the large and pinned
    /// object heaps included): what the process holds, as a heap dump counts it.
    /// </param>
    /// <param name="Size">
    /// The generations' sizes after it, which add the free space between live objects that a collection that did not
    /// compact left (how much depends on the GC's choice for that collection, not on what the process holds).
    /// </param>
    public readonly record struct Reading(long Live, long Size);

    public static Reading AfterFullGc(int pid, TimeSpan timeout)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var full = false;
        Reading? reading = null;
        // Only the statistics of a gen 2 collection: a gen 0 or 1 one that ran as the session started counts only
        // what it promoted.
        source.Clr.GCStart += start => full |= start.Depth == 2;
        source.Clr.GCHeapStats += stats =>
        {
            if (!full || reading is not null) return;
            reading = new Reading(
                stats.TotalPromotedSize0 + stats.TotalPromotedSize1 + stats.TotalPromotedSize2 + stats.TotalPromotedSize3 + stats.TotalPromotedSize4,
                stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4);
            session.Stop();
        };
        var processing = Task.Run(source.Process);
        if (!processing.Wait(timeout))
        {
            session.Stop();
            throw new TimeoutException($"no GC heap statistics from process {pid} within {timeout.TotalSeconds:F0} s");
        }
        return reading ?? throw new InvalidOperationException($"process {pid} reported no statistics of a full collection");
    }
}
