using TokenExchange.Definitions;

namespace TokenExchange.Configuration;

/// <summary>Every definition a configuration file declares: apps, handlers and users, and the admin key hashes.</summary>
public sealed record ClusterDefinitions(
    IReadOnlyList<AppDefinition> Apps,
    IReadOnlyList<HandlerDefinition> Handlers,
    IReadOnlyList<UserRecord> Users)
{
    /// <summary>Hashes of the keys that authenticate to the admin API (from the server's own file only).</summary>
    public IReadOnlyList<string> AdminKeyHashes { get; init; } = [];

    /// <summary>Who may administer with an access token instead of the key (from the server's own file only).</summary>
    public AdminTokenHolders AdminTokenHolders { get; init; } = AdminTokenHolders.None;
}

/// <summary>A configuration that cannot be used; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class ConfigException(IReadOnlyList<string> problems)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
