using Microsoft.IdentityModel.JsonWebTokens;
using TokenExchange.Definitions;
using TokenExchange.Grains;
using TokenExchange.Handlers;

namespace TokenExchange.Users;

/// <summary>Turns a validated subject token into a <see cref="UserLookup"/> by the handler's mapping rule.</summary>
public static class UserLookupFactory
{
    public static UserLookup Create(UserMappingRule rule, SubjectValidation validation, bool allowUserCreation)
    {
        var token = validation.Token!;
        var value = ClaimString(token, rule.Claim);
        var verifiedEmail = EmailIsVerified(token) ? ClaimString(token, JwtRegisteredClaimNames.Email) : null;
        // Email maps a user only when the IdP vouches for it; otherwise anyone who can set an
        // unverified email at the IdP could take over the local account that owns it.
        if (rule.Attribute == UserAttribute.Email && !EmailIsVerified(token)) value = null;

        return new UserLookup
        {
            Attribute = rule.Attribute,
            Value = value,
            AllowUserCreation = allowUserCreation,
            Candidate = value is null ? null : new UserRecord
            {
                Id = "",
                FederationId = rule.Attribute == UserAttribute.FederationId ? value : null,
                Username = rule.Attribute == UserAttribute.Username ? value : ClaimString(token, "preferred_username") ?? verifiedEmail,
                // Mapping by email: the created user must carry the mapped value, or the next lookup misses it.
                Email = rule.Attribute == UserAttribute.Email ? value : verifiedEmail,
                DisplayName = ClaimString(token, JwtRegisteredClaimNames.Name),
                Enabled = true,
            },
        };
    }

    private static bool EmailIsVerified(JsonWebToken token) =>
        (token.TryGetPayloadValue<bool>("email_verified", out var flag) && flag)
        || (token.TryGetPayloadValue<string>("email_verified", out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));

    private static string? ClaimString(JsonWebToken token, string claim) =>
        token.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
