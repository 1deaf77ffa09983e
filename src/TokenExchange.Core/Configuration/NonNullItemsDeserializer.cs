using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace TokenExchange.Configuration;

/// <summary>
/// Refuses an empty item in a list (<c>apps: [~]</c>, <c>allowedScopes: [api, ]</c>) as a YAML error at the
/// list's line: YamlDotNet's nullability enforcement covers properties, not list items, and a null item would
/// reach the definitions (found by fuzzing, README "Fuzzing").
/// </summary>
internal sealed class NonNullItemsDeserializer(INodeDeserializer lists) : INodeDeserializer
{
    public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer, out object? value, ObjectDeserializer rootDeserializer)
    {
        var start = reader.Current?.Start ?? Mark.Empty;
        if (!lists.Deserialize(reader, expectedType, nestedObjectDeserializer, out value, rootDeserializer)) return false;
        if (value is IList items && items.Contains(null))
            throw new YamlException(start, reader.Current?.End ?? start, "a list item is empty");
        return true;
    }
}
