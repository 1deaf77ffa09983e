using TokenExchange.Handlers;

namespace TokenExchange.Definitions;

/// <summary>
/// How a handler's subjects become local users. A subject's link (handler, issuer, subject) is looked up
/// first. Without one, the value of <see cref="Claim"/> is matched against <see cref="Attribute"/> of an
/// existing user only when <see cref="LinkExisting"/> says so, and only on a verified value; otherwise a
/// new user is created (where the app allows) with the attributes <see cref="UserAttributes"/> declares.
/// </summary>
public sealed record UserMappingRule
{
    public string Claim { get; init; } = "sub";
    public UserField Attribute { get; init; } = UserField.FederationId;

    /// <summary>Whether a subject without a link may be linked to an existing user by <see cref="Claim"/>.</summary>
    public bool LinkExisting { get; init; }

    /// <summary>
    /// Claims the handler's IdP verifies (it lets nobody choose their value): only they may map onto an existing
    /// user or become a created user's email. <c>sub</c> is always verified, <c>email</c> when <c>email_verified</c> is true.
    /// </summary>
    public string[] VerifiedClaims { get; init; } = [];

    /// <summary>Which claim gives a created user which attribute; nothing else is taken from the token.</summary>
    public UserAttributeClaims UserAttributes { get; init; } = new();
}

/// <summary>The claims a handler declares for a created user's attributes; null: the attribute stays unset.</summary>
public sealed record UserAttributeClaims
{
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? FederationId { get; init; }
    public string? DisplayName { get; init; }
}
