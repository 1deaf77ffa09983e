using TokenExchange.Definitions;

namespace TokenExchange.Abstractions;

/// <summary>The durable definition of one app, keyed by client id.</summary>
[Alias("tx.IAppGrain")]
public interface IAppGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<AppDefinition?> Get();

    /// <summary>Creates or replaces the definition; a deletion remembered before is forgotten (an explicit re-creation).</summary>
    [Alias("Put")] Task Put(AppDefinition definition);

    /// <summary>Deletes the definition and remembers the deletion, so <see cref="Seed"/> never creates it again.</summary>
    [Alias("Delete")] Task Delete();

    /// <summary>
    /// Creates the definition only if this app has never been defined and never deleted (seeding from the
    /// configuration file is a first-start bootstrap, not a reconciler); true when it was created.
    /// </summary>
    [Alias("Seed")] Task<bool> Seed(AppDefinition definition);

    /// <summary>Whether the app was deleted through the admin API and not defined again since.</summary>
    [Alias("IsDeleted")] Task<bool> IsDeleted();

    /// <summary>
    /// Removes the definition without remembering a deletion: undoes a creation by an admin change that could
    /// not be completed (its other writes are rolled back too).
    /// </summary>
    [Alias("Forget")] Task Forget();
}
