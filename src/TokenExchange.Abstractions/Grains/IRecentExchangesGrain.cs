namespace TokenExchange.Abstractions;

/// <summary>
/// The cluster's recent token operations for the Setup page's live view: every silo adds what it saw every
/// few seconds, the page reads a summary. Volatile: a few minutes of counts, lost with the activation.
/// </summary>
[Alias("tx.IRecentExchangesGrain")]
public interface IRecentExchangesGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>How far back the grain keeps and summarises.</summary>
    static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Alias("Add")] Task Add(string silo, RecentExchangeSlice[] slices);
    [Alias("Summarize")] Task<RecentExchangeSummary> Summarize();
}

/// <summary>What one silo saw of one series (operation, app, handler) within one minute, since its last report.</summary>
/// <param name="Minute">Minutes since the Unix epoch, UTC.</param>
/// <param name="Outcomes">Count per outcome: <c>ok</c> or the OAuth error code.</param>
/// <param name="Latency">The latencies in microseconds, as a compressed HdrHistogram.</param>
[GenerateSerializer, Immutable, Alias("tx.RecentExchangeSlice")]
public sealed record RecentExchangeSlice(
    [property: Id(0)] long Minute,
    [property: Id(1)] string Operation,
    [property: Id(2)] string ClientId,
    [property: Id(3)] string Handler,
    [property: Id(4)] Dictionary<string, long> Outcomes,
    [property: Id(5)] byte[] Latency);

/// <summary>One series over the window: counts per outcome and latency percentiles in milliseconds.</summary>
[GenerateSerializer, Immutable, Alias("tx.RecentExchangeRow")]
public sealed record RecentExchangeRow(
    [property: Id(0)] string Operation,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string Handler,
    [property: Id(3)] Dictionary<string, long> Outcomes,
    [property: Id(4)] double P50Milliseconds,
    [property: Id(5)] double P99Milliseconds)
{
    public long Total => Outcomes.Values.Sum();
}

/// <summary>The rows of the window, and which silos reported lately.</summary>
[GenerateSerializer, Immutable, Alias("tx.RecentExchangeSummary")]
public sealed record RecentExchangeSummary(
    [property: Id(0)] DateTimeOffset Since,
    [property: Id(1)] RecentExchangeRow[] Rows,
    [property: Id(2)] string[] ReportingSilos);
