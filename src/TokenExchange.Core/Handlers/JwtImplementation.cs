using TokenExchange.Definitions;
using TokenExchange.Exchange;
using TokenExchange.Grains;

namespace TokenExchange.Handlers;

/// <summary>
/// The built-in <c>jwt</c> handler: validation by <see cref="JwtSubjectTokenValidator"/>, user mapping by
/// the definition's rule (the claim's value matched against a user attribute; email only when the IdP
/// says it is verified, since an unverified email would let anyone claim another's account).
/// </summary>
public sealed class JwtImplementation(JwtSubjectTokenValidator validator, UserMappingRule rule) : IHandlerImplementation
{
    public async Task<(ValidatedSubject? Subject, OAuthError? Error)> ValidateAsync(AuthorizedExchange exchange, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(exchange.SubjectToken, cancellationToken).ConfigureAwait(false);
        if (validation.Error is { } error) return (null, error);
        var token = validation.Token!;
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in token.Claims) claims.TryAdd(claim.Type, claim.Value);
        var emailVerified = claims.TryGetValue("email_verified", out var verified) && string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase);
        return (new ValidatedSubject
        {
            Subject = validation.Subject!,
            Issuer = validation.Issuer!,
            Claims = claims,
            Username = claims.GetValueOrDefault("preferred_username"),
            Email = emailVerified ? claims.GetValueOrDefault(ClaimTypesShort.Email) : null,
            DisplayName = claims.GetValueOrDefault(ClaimTypesShort.Name),
            ExpiresAt = validation.Expires,
        }, null);
    }

    public async Task<(UserMappingResult? Mapping, OAuthError? Error)> MapUserAsync(SubjectUserRequest request, IHandlerUserDirectory users, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var value = rule.Attribute == UserAttribute.Email
            ? (subject.Email is not null && rule.Claim == ClaimTypesShort.Email ? subject.Email : VerifiedOnly(subject, rule.Claim))
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
        subject.Claims.TryGetValue("email_verified", out var verified) && string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase)
            ? subject.Claims.GetValueOrDefault(claim)
            : null;

    private static class ClaimTypesShort
    {
        public const string Email = "email";
        public const string Name = "name";
    }
}
