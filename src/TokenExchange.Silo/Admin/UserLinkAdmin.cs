using TokenExchange.Abstractions;
using TokenExchange.Definitions;
using TokenExchange.Grains.Users;

namespace TokenExchange.Silo.Admin;

/// <summary>An administrator's view of users' linked identities: list, link (import) and unlink.</summary>
public sealed class UserLinkAdmin(IGrainFactory grains, GrainUserDirectory users)
{
    public async Task<(IReadOnlyList<ExternalIdentity> Links, string? CreatedBy)> ListAsync(string userId)
    {
        if (await users.GetAsync(userId) is null) throw UnknownUser(userId);
        var user = grains.GetGrain<IUserGrain>(userId);
        return ([.. (await user.GetLinks()).OrderBy(l => l.Handler, StringComparer.Ordinal).ThenBy(l => l.Issuer, StringComparer.Ordinal).ThenBy(l => l.Subject, StringComparer.Ordinal)],
            await user.GetCreatedBy());
    }

    /// <summary>
    /// Links an identity to a user, as an administrator decides (a user may then have several identities of one
    /// handler). True when the link is new; refused when another user has it.
    /// </summary>
    public async Task<bool> LinkAsync(string userId, ExternalIdentity identity)
    {
        if (Problem(identity) is { } problem) throw new DefinitionAdminException(AdminFailure.Invalid, [$"user '{userId}': {problem}"]);
        if (await users.GetAsync(userId) is null) throw UnknownUser(userId);
        var had = (await grains.GetGrain<IUserGrain>(userId).GetLinks()).Contains(identity);
        if (await users.LinkAsync(userId, identity, onePerHandler: false) is { } refused)
            throw new DefinitionAdminException(AdminFailure.Invalid, [$"user '{userId}': link {Describe(identity)}: {refused}"]);
        return !had;
    }

    public async Task<DefinitionChange> UnlinkAsync(string userId, ExternalIdentity identity)
    {
        if (Problem(identity) is { } problem) throw new DefinitionAdminException(AdminFailure.Invalid, [problem]);
        if (await users.GetAsync(userId) is null) throw UnknownUser(userId);
        if (!await users.UnlinkAsync(userId, identity))
            throw new DefinitionAdminException(AdminFailure.NotFound, [$"user '{userId}' has no link {Describe(identity)}"]);
        return new DefinitionChange(DefinitionPlanner.User, userId, ChangeAction.Update);
    }

    private static string? Problem(ExternalIdentity identity) =>
        string.IsNullOrEmpty(identity.Handler) || string.IsNullOrEmpty(identity.Issuer) || string.IsNullOrEmpty(identity.Subject)
            ? "a link needs a handler, an issuer and a subject"
            : null;

    private static string Describe(ExternalIdentity identity) => $"(handler {identity.Handler}, issuer {identity.Issuer}, subject {identity.Subject})";

    private static DefinitionAdminException UnknownUser(string userId) => new(AdminFailure.NotFound, [$"{DefinitionPlanner.User} '{userId}' does not exist"]);
}
