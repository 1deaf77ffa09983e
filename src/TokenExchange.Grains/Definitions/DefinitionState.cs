namespace TokenExchange.Grains.Definitions;

/// <summary>
/// A definition grain's stored state: the definition, or null when none is defined. <see cref="Deleted"/> remembers
/// that the definition was deleted through the admin API (a tombstone), so seeding from the configuration file,
/// which creates only what it has never seen, does not bring it back at the next start of a silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("tx.DefinitionState`1")]
public sealed record DefinitionState<T>([property: Id(0)] T? Value, [property: Id(1)] bool Deleted = false) where T : class
{
    public DefinitionState() : this(default(T), false) { }
}
