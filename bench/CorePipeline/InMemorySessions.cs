using System.Collections.Concurrent;
using TokenExchange.Core.Handlers;
using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Sessions;
using TokenExchange.Tokens;
using TokenExchange.Users;

namespace Bench.CorePipeline;

/// <summary>
/// The subject sessions without Orleans: what SubjectSessionGrain does on the hot path (the user cached per
/// subject; on a miss the handler's user mapping and the cluster's user resolution), in a dictionary.
/// </summary>
public sealed class InMemorySessions(Func<string, CompiledHandler> handlers, IUserDirectory directory) : ISubjectSessions
{
    // By the parts the session key is made of (handler, issuer, subject): the same identity as the key's bytes, with no text of it.
    private readonly ConcurrentDictionary<(string Handler, string Issuer, string Subject), UserRecord> users = new();

    public async ValueTask<UserResolution> ResolveUserAsync(SessionKeyUtf8 sessionKey, SubjectUserRequest request, CancellationToken cancellationToken)
    {
        var key = (request.HandlerName, request.Subject.Issuer, request.Subject.Subject);
        if (users.TryGetValue(key, out var cached)) return new UserResolution(cached, null);
        var (mapping, error) = await handlers(request.HandlerName).MapUserAsync(request, new HandlerUserDirectory(directory), CancellationToken.None);
        if (error is not null) return new UserResolution(null, error);
        var identity = new ExternalIdentity(request.HandlerName, request.Subject.Issuer, request.Subject.Subject);
        var resolution = await UserResolver.FromMappingAsync(directory, mapping!, request.AllowUserCreation, identity);
        if (resolution.User is { } user) users[key] = user;
        return resolution;
    }

    public Task StoreAsync(string handleKey, OpaqueAccessToken token, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the benchmark's app issues JWT access tokens, never opaque ones");
}

/// <summary>The user directory in memory: users by id, the unique attribute indexes and the identity links.</summary>
public sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<string, UserRecord> users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(UserField, string), string> index = new();
    private readonly ConcurrentDictionary<ExternalIdentity, string> links = new();

    public Task<string?> FindIdAsync(UserField attribute, string value) =>
        Task.FromResult(index.TryGetValue((attribute, value), out var id) ? id : null);

    public Task<string?> FindLinkedAsync(ExternalIdentity identity) => Task.FromResult(links.GetValueOrDefault(identity));

    public Task<UserRecord?> GetAsync(string userId) => Task.FromResult(users.GetValueOrDefault(userId));

    public Task<(UserRecord? User, string? Conflict)> CreateAsync(UserRecord user, ExternalIdentity link, string? watcher = null)
    {
        foreach (var attribute in Enum.GetValues<UserField>())
        {
            if (user.Get(attribute) is { } value && !index.TryAdd((attribute, value), user.Id))
                return Task.FromResult<(UserRecord?, string?)>((null, $"{attribute} is already used"));
        }
        if (!links.TryAdd(link, user.Id)) return Task.FromResult<(UserRecord?, string?)>((null, "the identity is linked already"));
        users[user.Id] = user;
        return Task.FromResult<(UserRecord?, string?)>((user, null));
    }

    public Task<string?> LinkAsync(string userId, ExternalIdentity identity, bool onePerHandler)
    {
        if (onePerHandler && links.Any(l => l.Value == userId && l.Key.Handler == identity.Handler && l.Key != identity))
            return Task.FromResult<string?>("the user is linked to another identity of this handler");
        return Task.FromResult(links.GetOrAdd(identity, userId) == userId ? null : "the identity is linked to another user");
    }
}
