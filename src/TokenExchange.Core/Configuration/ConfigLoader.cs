using TokenExchange.Definitions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.NodeDeserializers;

namespace TokenExchange.Configuration;

/// <summary>
/// Reads the YAML configuration file into validated definitions: parse the YAML, map each section (its
/// mapper checks it and hashes plaintext secrets: <see cref="AppConfig"/>, <see cref="HandlerConfig"/>,
/// <see cref="UserConfig"/>, <see cref="AdminConfig"/>), then validate the rules across definitions
/// (<see cref="DefinitionRules"/>). Every problem found is reported at once, with its place in the file.
/// </summary>
public static class ConfigLoader
{
    // No empty list items: `apps: [~]` is a YAML error with its line, not a null that a later step trips over
    // (found by fuzzing, README "Fuzzing"; empty keys: EmptyValues).
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithNodeDeserializer(lists => new NonNullItemsDeserializer(lists), where => where.InsteadOf<CollectionNodeDeserializer>())
        .Build();

    public static ClusterDefinitions LoadFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException([$"configuration file '{path}' does not exist"]);
        return Parse(File.ReadAllText(path));
    }

    /// <summary>The file's <c>server:</c> section as configuration keys; empty when the file does not exist.</summary>
    public static IReadOnlyDictionary<string, string?> ReadServerSection(string path) =>
        File.Exists(path) ? Deserialize(File.ReadAllText(path)).Server.ToDictionary(p => p.Key, p => (string?)p.Value) : new Dictionary<string, string?>();

    /// <summary>A whole configuration: each definition checked, and the invariants across them.</summary>
    public static ClusterDefinitions Parse(string yaml) => Parse(yaml, checkAcrossDefinitions: true, StoredDefinitions.None);

    /// <summary>
    /// A document for the admin API's apply: each definition checked, but not the invariants across them,
    /// since it may refer to apps and handlers the cluster has already; the admin checks those on the
    /// result of the apply. What <c>txctl get</c> shows in place of a secret keeps the one in <paramref name="stored"/>.
    /// </summary>
    public static ClusterDefinitions ParseDocument(string yaml, StoredDefinitions? stored = null) => Parse(yaml, checkAcrossDefinitions: false, stored ?? StoredDefinitions.None);

    /// <summary>One app as the Setup page edits it, checked by the rules of the configuration file.</summary>
    public static AppDefinition ParseApp(AppModel model)
    {
        var problems = new List<string>();
        var app = AppConfig.ToDefinition(model, "app", problems, StoredDefinitions.None);
        if (problems.Count > 0) throw new ConfigException(problems);
        return app;
    }

    private static ClusterDefinitions Parse(string yaml, bool checkAcrossDefinitions, StoredDefinitions stored)
    {
        var model = Deserialize(yaml);
        var problems = new List<string>();
        var apps = model.Apps.Select((a, i) => AppConfig.ToDefinition(a, $"apps[{i}]", problems, stored)).ToList();
        var handlers = model.Handlers.Select((h, i) => HandlerConfig.ToDefinition(h, $"handlers[{i}]", problems, stored)).ToList();
        var users = model.Users.Select((u, i) => UserConfig.ToRecord(u, $"users[{i}]", problems)).ToList();
        var adminKeys = AdminConfig.KeyHashes(model.Admin, problems);
        var adminTokenHolders = AdminConfig.TokenHolders(model.Admin, problems);
        if (problems.Count == 0 && checkAcrossDefinitions) problems.AddRange(DefinitionRules.Check(apps, handlers, users));
        if (problems.Count > 0) throw new ConfigException(problems);
        return new ClusterDefinitions(apps, handlers, users) { AdminKeyHashes = adminKeys, AdminTokenHolders = adminTokenHolders };
    }

    private static ConfigFileModel Deserialize(string yaml)
    {
        try
        {
            var model = Yaml.Deserialize<ConfigFileModel?>(yaml) ?? new ConfigFileModel();
            return EmptyValues.In(model).ToList() is { Count: > 0 } empty ? throw new ConfigException(empty) : model;
        }
        catch (YamlException e)
        {
            throw new ConfigException([$"line {e.Start.Line}, column {e.Start.Column}: {(e.InnerException ?? e).Message}"]);
        }
        // YamlDotNet's scanner and parser throw these, not a YamlException, on some malformed input (a global tag
        // that is not a URI, tokens after the end of a document, an escape of a surrogate code point): found by
        // fuzzing. The model is plain properties, so nothing else in this call throws them.
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ConfigException([$"the file is not well-formed YAML: {e.Message}"]);
        }
    }
}
