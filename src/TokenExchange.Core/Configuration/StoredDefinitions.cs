using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>
/// The definitions a cluster holds, as an apply reads them for what <c>txctl get</c> shows in place of a secret:
/// an app's <c>secrets: N</c> (its secret hashes), a handler's <c>inlineKeys: true</c> (its inline JWKS), and
/// <see cref="Masked"/> for its client secret at the IdP and each implementation setting. Applied, each of these
/// keeps the value stored, so a definition shown and applied unchanged stays as it was; anything else in the
/// document replaces what is stored. In the server's own configuration file nothing is stored to keep.
/// </summary>
public sealed class StoredDefinitions(IEnumerable<AppDefinition> apps, IEnumerable<HandlerDefinition> handlers)
{
    /// <summary>What the admin API shows instead of a secret value: that there is one.</summary>
    public const string Masked = "*****";

    public static readonly StoredDefinitions None = new([], []);

    private readonly Dictionary<string, AppDefinition> apps = apps.ToDictionary(a => a.ClientId, StringComparer.Ordinal);
    private readonly Dictionary<string, HandlerDefinition> handlers = handlers.ToDictionary(h => h.Name, StringComparer.Ordinal);

    /// <summary>The stored secret hashes and hints that <c>secrets: N</c> stands for; null (and a problem) when there are none to keep.</summary>
    internal (string[] Hashes, string[] Hints)? Secrets(AppModel m, string at, List<string> problems)
    {
        if (m.Secrets is not { } count) return null;
        if (m.ClientSecret is not null || m.ClientSecretHashes.Count > 0)
        {
            problems.Add($"{at}: secrets: keeps the stored secrets; give it or clientSecret/clientSecretHashes (which replace them), not both");
            return null;
        }
        if (count == 0) return ([], []);
        if (!apps.TryGetValue(m.ClientId ?? "", out var stored) || stored.SecretHashes.Length != count)
        {
            problems.Add($"{at}.secrets: {count} keeps the stored secrets, but app '{m.ClientId}' has {(stored is null ? "none stored" : stored.SecretHashes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}; give clientSecret or clientSecretHashes");
            return null;
        }
        return (stored.SecretHashes, stored.SecretHints);
    }

    /// <summary>The stored inline JWKS that <c>inlineKeys: true</c> stands for.</summary>
    internal string? InlineJwks(HandlerModel m, string at, List<string> problems)
    {
        if (!m.InlineKeys) return null;
        if (m.Jwks?.Keys is { Count: > 0 })
        {
            problems.Add($"{at}: inlineKeys: true keeps the stored keys; give it or jwks.keys, not both");
            return null;
        }
        if (handlers.GetValueOrDefault(m.Name ?? "")?.Trust.InlineJwks is { } stored) return stored;
        problems.Add($"{at}.inlineKeys: true keeps the stored inline keys, but handler '{m.Name}' has none stored; give jwks.keys");
        return null;
    }

    /// <summary>The handler's stored client secret at its IdP where the document has it masked.</summary>
    internal string? IntrospectionSecret(string? handlerName, string? secret, string at, List<string> problems)
    {
        if (secret != Masked) return secret;
        if (handlers.GetValueOrDefault(handlerName ?? "")?.Introspection?.ClientSecret is { } stored) return stored;
        problems.Add($"{at}.clientSecret is masked ('{Masked}', as txctl get shows it), but handler '{handlerName}' has none stored; give the secret");
        return null;
    }

    /// <summary>The settings with each masked value replaced by the one stored under that name.</summary>
    internal Dictionary<string, string> Settings(string? handlerName, Dictionary<string, string> settings, string at, List<string> problems)
    {
        var stored = handlers.GetValueOrDefault(handlerName ?? "")?.Settings;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in settings)
        {
            if (value != Masked) result[name] = value;
            else if (stored?.GetValueOrDefault(name) is { } kept) result[name] = kept;
            else problems.Add($"{at}.settings.{name} is masked ('{Masked}', as txctl get shows it), but handler '{handlerName}' has no such setting stored; give its value");
        }
        return result;
    }
}
