using System.Text.Json;
using System.Text.Json.Serialization;
using TokenExchange.Configuration;
using TokenExchange.Definitions;

namespace TokenExchange.Server.Admin;

/// <summary>
/// Definitions as the admin API shows them: the configuration file's shape, every field of it, in JSON, without
/// secrets. An app says how many secrets it has (<c>secrets: N</c>), never their hashes; a handler's inline keys
/// show as <c>inlineKeys: true</c>, its client secret at its IdP and its implementation settings as
/// <see cref="Masked"/>. Applied as it is shown, each of these keeps what is stored (<see cref="StoredDefinitions"/>),
/// so <c>txctl get -o yaml</c> and then <c>txctl apply</c> changes nothing.
/// </summary>
public static class DefinitionViews
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>What the admin API shows instead of a secret: that there is one.</summary>
    public const string Masked = StoredDefinitions.Masked;

    public static string App(AppDefinition app)
    {
        var model = DefinitionDocument.ToModel(app);
        model.ClientSecretHashes = [];
        model.Secrets = app.SecretHashes.Length;
        var node = JsonSerializer.SerializeToNode(model, Json)!.AsObject();
        node.Remove("clientSecretHashes");
        return node.ToJsonString(Json);
    }

    public static string Handler(HandlerDefinition handler)
    {
        var model = DefinitionDocument.ToModel(handler);
        if (model.Jwks is { Keys: not null } jwks)
        {
            model.InlineKeys = true;
            jwks.Keys = null;
            if (jwks is { Uri: null, RefreshCooldown: null }) model.Jwks = null;
        }
        // Our credential at the IdP, and an implementation's settings (an API key, a password): masked.
        if (model.Introspection is { ClientSecret: not null } introspection) introspection.ClientSecret = Masked;
        model.Settings = model.Settings.ToDictionary(s => s.Key, _ => Masked, StringComparer.Ordinal);
        return JsonSerializer.Serialize(model, Json);
    }

    public static string User(UserRecord user) => JsonSerializer.Serialize(user, Json);
}
