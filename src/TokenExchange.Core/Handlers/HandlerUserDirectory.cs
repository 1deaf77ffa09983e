using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Core.Handlers;

/// <summary>The cluster's user directory as handlers see it (lookups only; creation is the cluster's).</summary>
public sealed class HandlerUserDirectory(IUserDirectory directory) : IHandlerUserDirectory
{
    public async Task<HandlerUser?> FindAsync(UserField field, string value) =>
        await directory.FindIdAsync(field, value).ConfigureAwait(false) is { } id ? await GetAsync(id).ConfigureAwait(false) : null;

    public async Task<HandlerUser?> GetAsync(string id) =>
        await directory.GetAsync(id).ConfigureAwait(false) is { } user
            ? new HandlerUser(user.Id, user.Username, user.Email, user.FederationId, user.DisplayName, user.Enabled)
            : null;
}
