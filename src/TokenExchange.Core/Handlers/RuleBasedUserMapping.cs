using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Handlers;
using TokenExchange.Sessions;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// The built-in handlers' user mapping, run for a subject that has no link yet. Only where the rule says
/// <see cref="UserMappingRule.LinkExisting"/> is the claim matched against an existing user's attribute, and
/// only when the IdP verified the claim's value: anyone may choose an unverified email or username, and would
/// reach another's account with it. Otherwise, or when nobody matches, a new user is described with the
/// attributes the rule declares, never with others the token happens to carry.
/// </summary>
public static class RuleBasedUserMapping
{
    public static async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapAsync(UserMappingRule rule, SubjectUserRequest request, IHandlerUserDirectory users)
    {
        var subject = request.Subject;
        if (rule.LinkExisting && Verified(rule, subject, rule.Claim) is { } value)
        {
            if (await users.FindAsync(rule.Attribute, value).ConfigureAwait(false) is { } existing) return (UserMappingResult.Existing(existing.Id), null);
        }
        var declared = rule.UserAttributes;
        string? email = null;
        if (declared.Email is { } emailClaim && NonEmpty(subject.Claims.GetValueOrDefault(emailClaim)) is not null)
        {
            email = Verified(rule, subject, emailClaim);
            if (email is null)
                return (UserMappingResult.None($"the subject token's {emailClaim} is not verified by the identity provider, so no user can be created with it"), null);
        }
        return (UserMappingResult.Create(new HandlerUserData(
            Username: Claim(subject, declared.Username),
            Email: email,
            DisplayName: Claim(subject, declared.DisplayName),
            FederationId: Claim(subject, declared.FederationId))), null);
    }

    /// <summary>
    /// The claim's value when the IdP vouches for it: its subject always; <c>email</c> when it says
    /// <c>email_verified: true</c> (a JSON true); any claim the handler declares verified.
    /// </summary>
    public static string? Verified(UserMappingRule rule, ValidatedSubject subject, string claim)
    {
        var value = claim == StandardClaims.Subject ? subject.Subject : NonEmpty(subject.Claims.GetValueOrDefault(claim));
        if (value is null) return null;
        if (claim == StandardClaims.Subject || rule.VerifiedClaims.Contains(claim, StringComparer.Ordinal)) return value;
        return claim == StandardClaims.Email && subject.EmailVerified ? value : null;
    }

    private static string? Claim(ValidatedSubject subject, string? claim) => claim is null ? null : NonEmpty(subject.Claims.GetValueOrDefault(claim));

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static class StandardClaims
    {
        public const string Subject = "sub";
        public const string Email = "email";
        public const string EmailVerified = "email_verified";
        public const string Name = "name";
        public const string PreferredUsername = "preferred_username";
    }
}
