using TokenExchange.Definitions;
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

    public Task<string?> FindIdAsync(UserAttribute attribute, string value) =>
        Task.FromResult(users.Values.FirstOrDefault(u => u.Get(attribute) == value)?.Id);

    public Task<UserRecord?> GetAsync(string userId) =>
        Task.FromResult(users.GetValueOrDefault(userId));

    public Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user)
    {
        if (users.ContainsKey(user.Id)) return Task.FromResult<(UserRecord?, string?)>((null, $"id {user.Id} is taken"));
        foreach (var attribute in Enum.GetValues<UserAttribute>())
        {
            if (user.Get(attribute) is { } value && users.Values.Any(u => u.Get(attribute) == value))
                return Task.FromResult<(UserRecord?, string?)>((null, $"{attribute} is taken"));
        }
        users.Add(user.Id, user);
        Created.Add(user);
        return Task.FromResult<(UserRecord?, string?)>((user, null));
    }
}
