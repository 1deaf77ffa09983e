namespace TokenExchange.Exchange.Rules;

/// <summary>
/// RFC 8693 section 2.1: a token exchange names its client, a subject token and that token's type.
/// The first one missing is the invalid_request.
/// </summary>
public static class RequiredParameters
{
    public static OAuthError? Check(ExchangeRequest request)
    {
        if (string.IsNullOrEmpty(request.ClientId)) return Errors.InvalidRequest("client_id is required");
        if (string.IsNullOrEmpty(request.SubjectToken)) return Errors.InvalidRequest("subject_token is required");
        if (string.IsNullOrEmpty(request.SubjectTokenType)) return Errors.InvalidRequest("subject_token_type is required");
        return null;
    }
}
