using Microsoft.Extensions.Logging;

namespace TokenExchange.Handlers;

/// <summary>What the cluster lends a handler: an HTTP client, a logger, the clock and its settings.</summary>
public sealed class HandlerServices
{
    /// <summary>A pooled client for outbound calls (connect timeout, no redirects); share it, do not dispose it.</summary>
    public required HttpClient Http { get; init; }

    public required ILogger Logger { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>The handler definition's settings (its YAML settings: map).</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
}
