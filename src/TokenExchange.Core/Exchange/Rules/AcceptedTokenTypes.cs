using TokenExchange.Definitions;

namespace TokenExchange.Exchange.Rules;

/// <summary>
/// The chosen handler accepts the subject token's type, and the actor token's where there is one (an actor token
/// passes the same handler, as strictly as the subject token).
/// </summary>
public static class AcceptedTokenTypes
{
    public static OAuthError? Check(HandlerDefinition handler, string subjectTokenType, string? actorTokenType)
    {
        if (Array.IndexOf(handler.AcceptedTokenTypes, subjectTokenType) < 0)
            return Errors.InvalidRequest("the token handler does not accept this subject_token_type");
        if (actorTokenType is not null && Array.IndexOf(handler.AcceptedTokenTypes, actorTokenType) < 0)
            return Errors.InvalidRequest("the token handler does not accept this actor_token_type");
        return null;
    }
}
