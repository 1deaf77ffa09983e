using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenExchange.Protos.V1;
using YamlDotNet.Serialization;

namespace TokenExchange.Cli.Commands.Admin;

/// <summary><c>txctl get apps|handlers|users [NAME] [-o table|yaml|json]</c>.</summary>
public static class GetCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var admin = new AdminOptions();
        var kind = new Argument<string>("kind") { Description = "apps, handlers or users" };
        kind.AcceptOnlyFromAmong("apps", "app", "handlers", "handler", "users", "user");
        var name = new Argument<string?>("name") { Description = "one definition by name (users: by id)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--output", "-o") { Description = "table, yaml or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "yaml", "json");
        var limit = new Option<int>("--limit") { Description = "users: how many to list (at most 1000)", DefaultValueFactory = _ => 100 };
        var after = new Option<string?>("--after") { Description = "users: list those whose id comes after this one (paging)" };
        var command = new Command("get", "show apps, handlers or users (never secrets)") { kind, name, format, limit, after };
        admin.AddTo(command);
        command.SetAction((parse, cancellationToken) => admin.RunAsync(parse, error, async (client, options) =>
        {
            var singular = parse.GetValue(kind)!.TrimEnd('s');
            var response = await client.GetAsync(new GetRequest { Kind = singular, Name = parse.GetValue(name) ?? "", Limit = parse.GetValue(limit), After = parse.GetValue(after) ?? "" }, options);
            var documents = response.Items.Select(i => JsonNode.Parse(i.Json)!).ToList();
            await output.WriteAsync(parse.GetValue(format) switch
            {
                "json" => new JsonArray([.. documents]).ToJsonString(Indented) + Environment.NewLine,
                // A document txctl apply takes as it is (apps:, handlers: or users:), strings quoted where YAML would read them otherwise.
                "yaml" => new SerializerBuilder().WithQuotingNecessaryStrings().Build()
                    .Serialize(new Dictionary<string, object> { [singular + "s"] = documents.Select(Plain).ToList() }),
                _ => Table(singular, documents),
            });
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Table(string kind, IReadOnlyList<JsonNode> items)
    {
        string[] columns = kind switch
        {
            "app" => ["clientId", "tokenExchange.enabled", "allowedScopes", "allowedAudiences", "secrets"],
            "handler" => ["name", "enabled", "implementation", "acceptedTokenTypes", "apps"],
            _ => ["id", "username", "email", "federationId", "enabled"],
        };
        var rows = items.Select(item => columns.Select(c => Cell(item, c)).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var lines = new[] { columns }.Concat(rows).Select(r => string.Join("  ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Cell(JsonNode item, string path)
    {
        JsonNode? node = item;
        foreach (var part in path.Split('.')) node = node?[part];
        return node switch
        {
            null => "",
            JsonArray array when path == "apps" => string.Join(",", array.Select(e => e!["clientId"]?.ToString() + (e!["default"]?.GetValue<bool>() == true ? "*" : ""))),
            JsonArray array => string.Join(",", array.Select(e => e?.ToString().Replace("urn:ietf:params:oauth:token-type:", "", StringComparison.Ordinal))),
            _ => node.ToString(),
        };
    }

    /// <summary>JSON nodes as plain dictionaries and lists, for the YAML serializer.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            JsonValueKind.Number => v.GetValue<decimal>(),
            _ => v.ToString(),
        },
        _ => null,
    };
}
