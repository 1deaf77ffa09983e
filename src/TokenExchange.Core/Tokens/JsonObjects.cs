using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenExchange.Tokens;

/// <summary>JSON object text as the dictionaries the token library writes as nested claims.</summary>
internal static class JsonObjects
{
    public static Dictionary<string, object> ToDictionary(string json) =>
        ToDictionary(JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("not a JSON object", nameof(json)));

    private static Dictionary<string, object> ToDictionary(JsonObject node) =>
        node.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => Value(p.Value!), StringComparer.Ordinal);

    private static object Value(JsonNode node) => node switch
    {
        JsonObject o => ToDictionary(o),
        JsonArray a => a.Where(v => v is not null).Select(v => Value(v!)).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.GetValue<double>(),
            _ => v.ToString(),
        },
        _ => node.ToJsonString(),
    };
}
