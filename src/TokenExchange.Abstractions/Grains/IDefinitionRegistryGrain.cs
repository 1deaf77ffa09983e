namespace TokenExchange.Abstractions;

/// <summary>
/// The list of defined apps and handlers with a version that changes on every definition change.
/// Silos poll the version (one call per silo per interval, never per request) to refresh their caches.
/// </summary>
[Alias("tx.IDefinitionRegistryGrain")]
public interface IDefinitionRegistryGrain : IGrainWithStringKey
{
    const string Key = "definitions";

    [Alias("GetIndex")] Task<DefinitionIndex> GetIndex();
    [Alias("AppChanged")] Task AppChanged(string clientId, bool exists);
    [Alias("HandlerChanged")] Task HandlerChanged(string name, bool exists);
}

[GenerateSerializer, Immutable, Alias("tx.DefinitionIndex")]
public sealed record DefinitionIndex(
    [property: Id(0)] long Version,
    [property: Id(1)] string[] ClientIds,
    [property: Id(2)] string[] HandlerNames);
