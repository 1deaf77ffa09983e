namespace TokenExchange.Grains.Definitions;

/// <summary>A definition grain's stored state: the definition, or null when none is defined.</summary>
[GenerateSerializer, Immutable, Alias("tx.DefinitionState`1")]
public sealed record DefinitionState<T>([property: Id(0)] T? Value) where T : class
{
    public DefinitionState() : this(default(T)) { }
}
