namespace TokenExchange.Definitions;

/// <summary>A token exchange handler definition (Salesforce: OauthTokenExchangeHandler).</summary>
public sealed record HandlerDefinition
{
    public required string Name { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }

    /// <summary>
    /// The implementation: <c>jwt</c> and <c>introspection</c> are built in; anything else names a .NET type deriving from
    /// TokenExchangeHandler, as <c>Namespace.Type, Assembly</c>, loaded from the plugins folder.
    /// </summary>
    public string Implementation { get; init; } = HandlerImplementations.Jwt;

    public bool Enabled { get; init; } = true;

    /// <summary>Accepted subject token types, as full RFC 8693 URNs.</summary>
    public string[] AcceptedTokenTypes { get; init; } = [];

    public JwtTrust Trust { get; init; } = new();

    public UserMappingRule UserMapping { get; init; } = new();

    /// <summary>The apps this handler is enabled for, one enablement each (YAML: the handler's <c>apps:</c> list).</summary>
    public HandlerAppEnablement[] Enablements { get; init; } = [];

    /// <summary>Settings for a custom implementation (its YAML settings: map), passed to it as they are.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Time budget of each call into the implementation; past it the exchange is temporarily_unavailable.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The IdP's introspection (or userinfo) endpoint of an <c>introspection</c> handler; null for the others.</summary>
    public IntrospectionTrust? Introspection { get; init; }

    /// <summary>
    /// Development only: lets <see cref="JwtTrust.JwksUri"/> and the introspection endpoint be plain http:// to a
    /// host that is not loopback. Off by default, since over http anyone on the path can swap the IdP's keys or
    /// answers and so mint subjects at will.
    /// </summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>The built-in <c>jwt</c> implementation.</summary>
    public bool IsBuiltIn => Implementation == HandlerImplementations.Jwt;

    /// <summary>The built-in <c>introspection</c> implementation.</summary>
    public bool IsIntrospection => Implementation == HandlerImplementations.Introspection;

    /// <summary>An operator's implementation, loaded from the plugins folder.</summary>
    public bool IsPlugin => !IsBuiltIn && !IsIntrospection;
}

public static class HandlerImplementations
{
    public const string Jwt = "jwt";
    public const string Introspection = "introspection";
}
