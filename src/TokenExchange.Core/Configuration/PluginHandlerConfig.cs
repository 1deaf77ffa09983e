namespace TokenExchange.Configuration;

/// <summary>
/// An operator's .NET class (<c>Namespace.Type, Assembly</c>): it validates whatever token types it accepts and
/// reads its own <c>settings:</c>; the built-in implementations' sections are not its settings.
/// </summary>
internal sealed class PluginHandlerConfig : HandlerImplementationConfig
{
    private static readonly PluginHandlerConfig Instance = new();

    private PluginHandlerConfig()
    {
    }

    /// <summary>The plugin mapper; an implementation that does not even look like a type name is a problem.</summary>
    public static PluginHandlerConfig For(HandlerModel m, string at, List<string> problems)
    {
        if (!m.Implementation.Contains(',', StringComparison.Ordinal))
            problems.Add($"{at}.implementation '{m.Implementation}' is neither jwt, introspection nor a .NET type as 'Namespace.Type, Assembly'");
        return Instance;
    }

    public override string? TokenTypeProblem(string normalized, string type, string at) => null;

    public override ImplementationTrust Map(HandlerModel m, string at, List<string> problems, StoredDefinitions stored, string? storedInlineJwks)
    {
        RefuseIntrospectionSection(m, at, problems);
        RefuseAuthorizedParties(m, at, problems);
        RefuseValidationCache(m, at, problems);
        return new ImplementationTrust(storedInlineJwks, null);
    }
}
