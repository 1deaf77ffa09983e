using System.Collections;
using System.Reflection;

namespace TokenExchange.Configuration;

/// <summary>
/// Finds the keys a file gives no value (<c>apps:</c>, <c>tokenExchange:</c>) where the model has no use for a
/// null: YAML reads them as null over the model's default, and a later step would trip over it (found by
/// fuzzing, README "Fuzzing"). Nullable properties (<c>label</c>, <c>secrets</c>, <c>tlsClientAuth</c>) may stay empty.
/// </summary>
internal static class EmptyValues
{
    public static IEnumerable<string> In(object model, string at = "")
    {
        var nullability = new NullabilityInfoContext();
        foreach (var property in model.GetType().GetProperties())
        {
            var key = (at.Length == 0 ? "" : at + ".") + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            switch (property.GetValue(model))
            {
                case null when nullability.Create(property).WriteState == NullabilityState.NotNull:
                    yield return $"{key} is empty: give it a value or leave it out";
                    break;
                case IList items:
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i] is { } item && IsModel(item.GetType()))
                            foreach (var problem in In(item, $"{key}[{i}]")) yield return problem;
                    }
                    break;
                case { } value when IsModel(value.GetType()):
                    foreach (var problem in In(value, key)) yield return problem;
                    break;
            }
        }
    }

    private static bool IsModel(Type type) => type.IsClass && type.Namespace == typeof(ConfigFileModel).Namespace && type.Assembly == typeof(ConfigFileModel).Assembly;
}
