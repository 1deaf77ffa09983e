using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;

namespace TokenExchange.Handlers;

/// <summary>
/// The built-in handlers' user mapping: the rule's claim matched against a user attribute, or a user to
/// create with it. A claim used as an email counts only when the IdP says the email is verified (a JSON
/// true: <see cref="ValidatedSubject.EmailVerified"/>), since an unverified email would let anyone claim
/// another's account.
/// </summary>
public static class RuleBasedUserMapping
{
    public static async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapAsync(UserMappingRule rule, SubjectUserRequest request, IHandlerUserDirectory users)
    {
        var subject = request.Subject;
        var value = rule.Attribute == UserAttribute.Email
            ? (subject.Email is not null && rule.Claim == StandardClaims.Email ? subject.Email : VerifiedOnly(subject, rule.Claim))
            : subject.Claims.GetValueOrDefault(rule.Claim);
        if (string.IsNullOrEmpty(value))
            return (UserMappingResult.None("the subject token carries no usable value to map a user from"), null);
        var field = rule.Attribute switch
        {
            UserAttribute.Username => UserField.Username,
            UserAttribute.Email => UserField.Email,
            _ => UserField.FederationId,
        };
        if (await users.FindAsync(field, value).ConfigureAwait(false) is { } existing) return (UserMappingResult.Existing(existing.Id), null);
        return (UserMappingResult.Create(new HandlerUserData(
            Username: rule.Attribute == UserAttribute.Username ? value : subject.Username ?? subject.Email,
            Email: rule.Attribute == UserAttribute.Email ? value : subject.Email,
            DisplayName: subject.DisplayName,
            FederationId: rule.Attribute == UserAttribute.FederationId ? value : null)), null);
    }

    /// <summary>A claim used as an email counts only when the IdP marks the email verified.</summary>
    private static string? VerifiedOnly(ValidatedSubject subject, string claim) =>
        subject.EmailVerified ? subject.Claims.GetValueOrDefault(claim) : null;

    internal static class StandardClaims
    {
        public const string Email = "email";
        public const string EmailVerified = "email_verified";
        public const string Name = "name";
        public const string PreferredUsername = "preferred_username";
    }
}
