namespace TokenExchange.Exchange.Rules;

/// <summary>
/// No parameter holds a control character, a Unicode line separator or invalid UTF-8 (<see cref="ParameterText"/>):
/// such a value is refused with the parameter's name only, never echoed.
/// </summary>
public static class ParameterCharacters
{
    public static OAuthError? Check(ExchangeRequest request) =>
        Single("client_id", request.ClientId)
        ?? Single("client_secret", request.ClientSecret)
        ?? Single("subject_token_type", request.SubjectTokenType)
        ?? Single("actor_token_type", request.ActorTokenType)
        ?? Single("requested_token_type", request.RequestedTokenType)
        ?? Single("token_handler", request.TokenHandler)
        ?? Single("subject_token", request.SubjectToken)
        ?? Single("actor_token", request.ActorToken)
        ?? Repeated("scope", request.Scopes)
        ?? Repeated("audience", request.Audiences)
        ?? Repeated("resource", request.Resources);

    private static OAuthError? Single(string name, string? value) =>
        value is not null && !ParameterText.IsClean(value) ? Errors.InvalidRequest(ParameterText.Refusal(name)) : null;

    private static OAuthError? Repeated(string name, string?[] values)
    {
        foreach (var value in values)
        {
            if (Single(name, value) is { } refused) return refused;
        }
        return null;
    }
}
