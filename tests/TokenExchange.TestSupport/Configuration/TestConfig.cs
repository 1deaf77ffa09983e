using YamlDotNet.Serialization;

namespace TokenExchange.Testing;

/// <summary>
/// A configuration file (or an admin apply document) for a test, written fluently instead of inline YAML:
/// <c>TestConfig.Create().App("orders", a => a.Secret(s).Exchange().Scopes("api")).JwtHandler("partner-idp",
/// h => h.Issuer(i).Jwks(uri).Enable("orders", allowUserCreation: true)).ToYaml()</c>. It writes only what a
/// test sets, in the keys of the file operators write (README, config/dev.yaml), so a default the test does
/// not name stays the loader's default. Tests of the loader's parsing keep their YAML: there it is the input.
/// </summary>
public sealed class TestConfig
{
    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).Build();

    private readonly Node admin = new();
    private readonly List<Node> apps = [];
    private readonly List<Node> handlers = [];
    private readonly List<Node> users = [];

    private TestConfig()
    {
    }

    public static TestConfig Create() => new();

    /// <summary>The admin API's credentials (<c>admin:</c>): a plaintext key, and apps or users whose tokens count.</summary>
    public TestConfig Admin(string? key = null, string[]? clients = null, string[]? users = null)
    {
        admin.Set("key", key).Set("clients", clients).Set("users", users);
        return this;
    }

    /// <summary>An app (<c>apps:</c>), by client id.</summary>
    public TestConfig App(string clientId, Action<AppBuilder>? configure = null)
    {
        var app = new AppBuilder(clientId);
        configure?.Invoke(app);
        apps.Add(app.Node);
        return this;
    }

    /// <summary>A handler of <c>implementation: jwt</c> that trusts an IdP's issuer and JWKS.</summary>
    public TestConfig JwtHandler(string name, Action<HandlerBuilder> configure) => Handler(name, "jwt", configure);

    /// <summary>A jwt handler that trusts the cluster's built-in dev issuer (<c>devIssuer: true</c>).</summary>
    public TestConfig DevIssuerHandler(string name, Action<HandlerBuilder> configure) =>
        Handler(name, implementation: null, h => configure(h.Set("devIssuer", true)));

    /// <summary>A handler of <c>implementation: introspection</c> that asks the IdP about opaque tokens.</summary>
    public TestConfig IntrospectionHandler(string name, Action<HandlerBuilder> configure) => Handler(name, "introspection", configure);

    /// <summary>A handler whose implementation is a plugin type (<c>"Namespace.Type, Assembly"</c>).</summary>
    public TestConfig PluginHandler(string name, string implementation, Action<HandlerBuilder> configure) => Handler(name, implementation, configure);

    /// <summary>A user (<c>users:</c>), by id.</summary>
    public TestConfig User(string id, Action<UserBuilder>? configure = null)
    {
        var user = new UserBuilder(id);
        configure?.Invoke(user);
        users.Add(user.Node);
        return this;
    }

    /// <summary>The configuration as the YAML the server's loader reads.</summary>
    public string ToYaml()
    {
        var document = new Node()
            .Set("admin", admin.IsEmpty ? null : admin)
            .Set("apps", apps.Count == 0 ? null : apps)
            .Set("handlers", handlers.Count == 0 ? null : handlers)
            .Set("users", users.Count == 0 ? null : users);
        return Yaml.Serialize(document);
    }

    public override string ToString() => ToYaml();

    private TestConfig Handler(string name, string? implementation, Action<HandlerBuilder> configure)
    {
        var handler = new HandlerBuilder(name);
        handler.Set("implementation", implementation);
        configure(handler);
        handlers.Add(handler.Node);
        return this;
    }
}
