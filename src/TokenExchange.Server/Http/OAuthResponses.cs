using System.Text.Json.Serialization;
using TokenExchange.Exchange;

namespace TokenExchange.Server.Http;

/// <summary>RFC 6749 / RFC 8693 JSON responses: tokens (200) and errors (section 5.2), never cached.</summary>
public static class OAuthResponses
{
    public static IResult Tokens(HttpContext http, IssuedTokens tokens)
    {
        NoStore(http);
        return Results.Json(new TokenResponse(tokens.AccessToken, tokens.IssuedTokenType, tokens.TokenType, tokens.ExpiresIn, tokens.Scope, tokens.RefreshToken, tokens.IdToken));
    }

    /// <param name="status">The HTTP status, when not the one the OAuth error code implies (413 for an oversized body).</param>
    public static IResult Error(HttpContext http, OAuthError error, bool usedBasicAuthentication, int? status = null)
    {
        NoStore(http);
        status ??= StatusFor(error.Code);
        if (status == StatusCodes.Status401Unauthorized && usedBasicAuthentication)
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"token-exchange\"";
        return Results.Json(new ErrorResponse(error.Code, error.Description), statusCode: status);
    }

    public static int StatusFor(string oauthCode) => oauthCode switch
    {
        OAuthErrorCodes.InvalidClient => StatusCodes.Status401Unauthorized,
        OAuthErrorCodes.TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
        OAuthErrorCodes.ServerError => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    };

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("issued_token_type")] string IssuedTokenType,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] long ExpiresIn,
        [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope,
        [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
        [property: JsonPropertyName("id_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IdToken);

    private sealed record ErrorResponse(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string Description);
}
