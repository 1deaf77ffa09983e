using System.Text.Json;

namespace TokenExchange.Grains.Definitions;

internal static class DefinitionEquality
{
    /// <summary>
    /// Records compare their arrays by reference; compare the serialized shape instead, so re-applying
    /// the same configuration is a no-op that does not make every silo reload.
    /// </summary>
    public static bool Same<T>(T a, T? b) where T : class =>
        b is not null && JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}
