using TokenExchange.Definitions;

namespace TokenExchange.Grains.Users;

/// <summary>The key of the index grain for one attribute value. Usernames and emails match case-insensitively.</summary>
public static class UserIndexKey
{
    public static string For(UserAttribute attribute, string value) => attribute switch
    {
        UserAttribute.FederationId => "federationId/" + value,
        UserAttribute.Username => "username/" + value.ToLowerInvariant(),
        UserAttribute.Email => "email/" + value.ToLowerInvariant(),
        _ => throw new ArgumentOutOfRangeException(nameof(attribute)),
    };
}
