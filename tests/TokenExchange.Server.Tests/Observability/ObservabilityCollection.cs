namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// Meters and activity sources are process-wide by name: a server's OpenTelemetry sees every "TokenExchange"
/// meter in the process. These tests count exactly, so they run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection
{
    public const string Name = "observability";
}
