using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Bench.Runner;

/// <summary>
/// The managed heap of another .NET process after a full, blocking GC, read over EventPipe: enabling the
/// runtime's GCHeapCollect keyword induces the collection (as dotnet-gcdump does), and the GCHeapStats
/// event that follows gives the live heap. Unlike RSS, this does not depend on when the GC returns memory
/// to the OS.
/// </summary>
public static class GcHeap
{
    public static long LiveBytesAfterFullGc(int pid, TimeSpan timeout)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long? live = null;
        source.Clr.GCHeapStats += stats =>
        {
            // Gen 0-2, large and pinned object heaps, as they stand after the induced collection.
            live ??= stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4;
            session.Stop();
        };
        var processing = Task.Run(source.Process);
        if (!processing.Wait(timeout))
        {
            session.Stop();
            throw new TimeoutException($"no GC heap statistics from process {pid} within {timeout.TotalSeconds:F0} s");
        }
        return live ?? throw new InvalidOperationException($"process {pid} reported no GC heap statistics");
    }
}
