using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using TokenExchange.Exchange;
using TokenExchange.Grains.Silo;

namespace TokenExchange.Server.Http;

public static class TokenEndpoint
{
    public const string Path = "/oauth2/token";

    /// <summary>Largest token request body; a 16 KiB subject token plus the other parameters fits well.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    public static void MapTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpContext http, ExchangeFrontDoor frontDoor)
    {
        // 413 before a byte of the body is read: a client that sent Expect: 100-continue never sends it.
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge(http);
        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            return OAuthResponses.Error(http, Errors.InvalidRequest("the token request must be application/x-www-form-urlencoded"), false);
        // A chunked body has no length to check up front: Kestrel stops reading it at the same limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = MaxBodyBytes;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(http);
        }
        if (FormEncoding.FindUnclean(body) is { } unclean)
            return OAuthResponses.Error(http, Errors.InvalidRequest(ParameterText.Refusal(unclean)), false);
        IFormCollection form;
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false)) { KeyLengthLimit = 256, ValueCountLimit = 128, ValueLengthLimit = (int)MaxBodyBytes };
            form = new FormCollection(await reader.ReadFormAsync(http.RequestAborted));
        }
        catch (InvalidDataException)
        {
            return OAuthResponses.Error(http, Errors.InvalidRequest("the request body is not a valid form or exceeds its limits"), false);
        }

        var parsed = TokenRequestParser.Parse(form, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            http.Connection.RemoteIpAddress?.ToString());
        if (parsed.Error is { } error) return OAuthResponses.Error(http, error, parsed.UsedBasicAuthentication);

        var outcome = parsed.Refresh is { } refresh
            ? await frontDoor.RefreshAsync(refresh, http.RequestAborted)
            : await frontDoor.ExchangeAsync(parsed.Request!, http.RequestAborted);
        return outcome.Error is { } refused
            ? OAuthResponses.Error(http, refused, parsed.UsedBasicAuthentication)
            : OAuthResponses.Tokens(http, outcome.Tokens!);
    }

    /// <summary>
    /// 413 with the OAuth error body, and the connection closed: the rest of an oversized body is not worth
    /// reading, and leaving it unread would corrupt the next request on the connection.
    /// </summary>
    private static IResult TooLarge(HttpContext http)
    {
        http.Response.Headers.Connection = "close";
        return OAuthResponses.Error(http, Errors.InvalidRequest($"the request body is larger than {MaxBodyBytes} bytes"), false, StatusCodes.Status413PayloadTooLarge);
    }
}
