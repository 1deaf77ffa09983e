namespace TokenExchange.Exchange.Rules;

/// <summary>
/// The subject token's type, and the actor token's where there is one, are RFC 8693 section 3 types this
/// cluster knows (as URNs or short names, <see cref="TokenTypes.Normalize"/>); an actor token and its type come
/// together or not at all (RFC 8693 section 2.1). Gives both types in their canonical form.
/// </summary>
public static class KnownTokenTypes
{
    public static OAuthError? Check(ExchangeRequest request, out string subjectTokenType, out string? actorTokenType)
    {
        // Null only where it is refused right below.
        subjectTokenType = TokenTypes.Normalize(request.SubjectTokenType)!;
        actorTokenType = TokenTypes.Normalize(request.ActorTokenType);
        if (subjectTokenType is null) return Errors.InvalidRequest("subject_token_type is not a supported token type");
        if (string.IsNullOrEmpty(request.ActorToken) != string.IsNullOrEmpty(request.ActorTokenType))
            return Errors.InvalidRequest("actor_token and actor_token_type go together");
        if (!string.IsNullOrEmpty(request.ActorTokenType) && actorTokenType is null)
            return Errors.InvalidRequest("actor_token_type is not a supported token type");
        return null;
    }
}
