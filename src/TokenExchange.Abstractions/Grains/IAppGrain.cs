using TokenExchange.Definitions;

namespace TokenExchange.Grains;

/// <summary>The durable definition of one app, keyed by client id.</summary>
[Alias("tx.IAppGrain")]
public interface IAppGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<AppDefinition?> Get();
    [Alias("Put")] Task Put(AppDefinition definition);
    [Alias("Delete")] Task Delete();
}
