namespace TokenExchange.Grains;

/// <summary>
/// References to string-keyed grains without Orleans' per-call type resolution: <c>GetGrain&lt;T&gt;(key)</c> resolves
/// T's grain interface type on every call (reading T's attributes and formatting its name, about 1 KB allocated), which
/// a new subject's first exchange did for each of its grain calls. The types are resolved once per interface here;
/// they depend only on the interface and its grain class, which every silo of one build shares.
/// </summary>
public static class GrainReferences
{
    public static T Reference<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey =>
        Reference<T>(grains, IdSpan.Create(key));

    /// <summary>The grain of a string key given as its UTF-8 bytes, which the grain id holds as they are (never written after).</summary>
    public static T Reference<T>(this IGrainFactory grains, byte[] utf8Key) where T : IGrainWithStringKey =>
        Reference<T>(grains, new IdSpan(utf8Key));

    private static T Reference<T>(IGrainFactory grains, IdSpan key) where T : IGrainWithStringKey
    {
        var types = Resolved<T>.Types ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    private static GrainTypes Resolve<T>(IGrainFactory grains) where T : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)grains.GetGrain<T>("-");
        return new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
    }

    // A class, so a reader sees both types of one resolution or none (a struct pair could be read torn).
    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);

    private static class Resolved<T>
    {
        public static GrainTypes? Types;
    }
}
