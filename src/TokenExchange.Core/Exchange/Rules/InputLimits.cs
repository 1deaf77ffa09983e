namespace TokenExchange.Exchange.Rules;

/// <summary>
/// No parameter is longer, and no repeatable parameter has more values, than <see cref="ExchangeLimits"/> allows
/// (docs/security-limits.md): oversized input is refused before it costs a hash, a parse or a lookup.
/// Tokens have their own, larger limit; every other value the parameter limit; a repeated parameter's values
/// are each non-empty. Checked in the order of the request's parameters, so the first one over names itself.
/// </summary>
public static class InputLimits
{
    public static OAuthError? Check(ExchangeRequest request, ExchangeLimits limits)
    {
        if (request.SubjectToken?.Length > limits.MaxTokenLength)
            return Errors.InvalidRequest($"subject_token is longer than {limits.MaxTokenLength} characters");
        if (request.ActorToken?.Length > limits.MaxTokenLength)
            return Errors.InvalidRequest($"actor_token is longer than {limits.MaxTokenLength} characters");
        return Single("client_id", request.ClientId, limits)
            ?? Single("client_secret", request.ClientSecret, limits)
            ?? Single("subject_token_type", request.SubjectTokenType, limits)
            ?? Single("actor_token_type", request.ActorTokenType, limits)
            ?? Single("requested_token_type", request.RequestedTokenType, limits)
            ?? Single("token_handler", request.TokenHandler, limits)
            ?? Repeated("scope", request.Scopes, limits)
            ?? Repeated("audience", request.Audiences, limits)
            ?? Repeated("resource", request.Resources, limits);
    }

    private static OAuthError? Single(string name, string? value, ExchangeLimits limits) =>
        value?.Length > limits.MaxParameterLength ? Errors.InvalidRequest($"{name} is longer than {limits.MaxParameterLength} characters") : null;

    private static OAuthError? Repeated(string name, string?[] values, ExchangeLimits limits)
    {
        if (values.Length > limits.MaxRepeatedValues) return Errors.InvalidRequest($"{name} has more than {limits.MaxRepeatedValues} values");
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value) || value.Length > limits.MaxParameterLength) return Errors.InvalidRequest($"{name} has an empty or overlong value");
        }
        return null;
    }
}
