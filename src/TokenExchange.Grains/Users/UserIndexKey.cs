using TokenExchange.Definitions;
using TokenExchange.Handlers;
using TokenExchange.Users;

namespace TokenExchange.Grains.Users;

/// <summary>
/// The keys of index entries (<see cref="UserIndexStore"/>): one attribute value (usernames and emails by <see cref="CanonicalKeys"/>,
/// federation ids exactly), or one external identity's link.
/// </summary>
public static class UserIndexKey
{
    public static string For(UserField attribute, string value) => attribute switch
    {
        UserField.FederationId => "federationId/" + value,
        UserField.Username => "username/" + CanonicalKeys.For(value),
        UserField.Email => "email/" + CanonicalKeys.For(value),
        _ => throw new ArgumentOutOfRangeException(nameof(attribute)),
    };

    /// <summary>
    /// <c>link/handler/issuer/subject</c>, each part escaped (a '/' in an issuer URL becomes %2F), so no two
    /// identities share a key however their parts are cut.
    /// </summary>
    public static string ForLink(ExternalIdentity identity) =>
        $"link/{Uri.EscapeDataString(identity.Handler)}/{Uri.EscapeDataString(identity.Issuer)}/{Uri.EscapeDataString(identity.Subject)}";
}
