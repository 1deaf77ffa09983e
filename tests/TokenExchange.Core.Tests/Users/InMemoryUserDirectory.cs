using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Core.Tests.Users;

/// <summary>A user directory in a dictionary: unique ids and unique mapping attributes, like the cluster's.</summary>
internal sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly Dictionary<string, UserRecord> users = new(StringComparer.Ordinal);

    public InMemoryUserDirectory(params UserRecord[] initial)
    {
        foreach (var user in initial) users.Add(user.Id, user);
    }

    public List<UserRecord> Created { get; } = [];

    public IReadOnlyCollection<UserRecord> Users => users.Values;

    public Task<string?> FindIdAsync(UserField attribute, string value) =>
        Task.FromResult(users.Values.FirstOrDefault(u => u.Get(attribute) is { } own && Key(attribute, own) == Key(attribute, value))?.Id);

    private static string Key(UserField attribute, string value) => attribute == UserField.FederationId ? value : CanonicalKeys.For(value);

    public Task<UserRecord?> GetAsync(string userId) =>
        Task.FromResult(users.GetValueOrDefault(userId));

    public Dictionary<ExternalIdentity, string> Links { get; } = [];

    public Task<string?> FindLinkedAsync(ExternalIdentity identity) => Task.FromResult(Links.GetValueOrDefault(identity));

    public Task<string?> LinkAsync(string userId, ExternalIdentity identity, bool onePerHandler)
    {
        if (Links.TryGetValue(identity, out var owner)) return Task.FromResult(owner == userId ? null : $"linked to {owner}");
        if (onePerHandler && Links.Any(l => l.Value == userId && l.Key.Handler == identity.Handler))
            return Task.FromResult<string?>("linked to another identity of the handler");
        Links[identity] = userId;
        return Task.FromResult<string?>(null);
    }

    public Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher = null)
    {
        if (Links.ContainsKey(link)) return Task.FromResult<(UserRecord?, string?)>((null, "the identity is linked"));
        if (users.ContainsKey(user.Id)) return Task.FromResult<(UserRecord?, string?)>((null, $"id {user.Id} is taken"));
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is { } value && users.Values.Any(u => u.Get(attribute) == value))
                return Task.FromResult<(UserRecord?, string?)>((null, $"{attribute} is taken"));
        }
        users.Add(user.Id, user);
        Links[link] = user.Id;
        Created.Add(user);
        return Task.FromResult<(UserRecord?, string?)>((user, null));
    }
}
