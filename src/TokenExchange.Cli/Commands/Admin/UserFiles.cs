using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using TokenExchange.Protos.V1;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary>
/// Reads users to import: CSV with a header row (id, username, email, federationId, displayName, enabled, and
/// linkHandler, linkIssuer, linkSubject for one link per row), or JSON lines (.jsonl, .ndjson, .json: one object
/// per line with the same names, and links: [{handler, issuer, subject}, ...]).
/// </summary>
public static class UserFiles
{
    public static IEnumerable<User> Read(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".jsonl" or ".ndjson" or ".json" ? ReadJsonLines(path) : ReadCsv(path);
    }

    private static IEnumerable<User> ReadCsv(string path)
    {
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields() ?? throw new InvalidDataException($"{path} is empty");
        var columns = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.OrdinalIgnoreCase);
        if (!columns.ContainsKey("id")) throw new InvalidDataException($"{path}: the header row must name an id column");
        while (parser.ReadFields() is { } fields)
        {
            string Field(string name) => columns.TryGetValue(name, out var i) && i < fields.Length ? fields[i] : "";
            var user = new User
            {
                Id = Field("id"),
                Username = Field("username"),
                Email = Field("email"),
                FederationId = Field("federationId"),
                DisplayName = Field("displayName"),
                Disabled = Field("enabled").Equals("false", StringComparison.OrdinalIgnoreCase),
            };
            if (Field("linkHandler").Length > 0 || Field("linkIssuer").Length > 0 || Field("linkSubject").Length > 0)
                user.Links.Add(new UserLink { Handler = Field("linkHandler"), Issuer = Field("linkIssuer"), Subject = Field("linkSubject") });
            yield return user;
        }
    }

    private static IEnumerable<User> ReadJsonLines(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {number}: not a JSON object ({e.Message})");
            }
            string Text(string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            var user = new User
            {
                Id = Text("id"),
                Username = Text("username"),
                Email = Text("email"),
                FederationId = Text("federationId"),
                DisplayName = Text("displayName"),
                Disabled = json.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False,
            };
            if (json.TryGetProperty("links", out var links))
            {
                if (links.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{path}, line {number}: links must be an array of {{handler, issuer, subject}}");
                foreach (var link in links.EnumerateArray())
                {
                    string Part(string name) => link.ValueKind == JsonValueKind.Object && link.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
                    user.Links.Add(new UserLink { Handler = Part("handler"), Issuer = Part("issuer"), Subject = Part("subject") });
                }
            }
            yield return user;
        }
    }
}
